import type { CommentEvent } from '../../services/core/contracts/schema-types.generated.js';

let counter = 0;

/** A citizen's comment event with sensible defaults; tests override what they care about. */
export function commentEvent(overrides: Partial<CommentEvent> = {}): CommentEvent {
  const id = `c-${Date.now().toString(36)}-${++counter}`;
  return {
    event_id: `${id}-e`,
    op: 'POSTED',
    platform: 'VK',
    comment_id: id,
    thread_id: 'post-1',
    parent_comment_id: null,
    page_id: 'page-1',
    region: '54',
    municipality: null,
    author: { id: 'citizen-1', kind: 'CITIZEN' },
    text: 'Третий день нет горячей воды в доме, управляющая компания не отвечает. Когда починят?',
    posted_at: Date.now(),
    url: null,
    ...overrides,
  };
}

/** An official's reply to `parent`. */
export function officialReply(parent: CommentEvent, postedAt = Date.now()): CommentEvent {
  return commentEvent({
    comment_id: `${parent.comment_id}-reply`,
    event_id: `${parent.comment_id}-reply-e`,
    parent_comment_id: parent.comment_id,
    platform: parent.platform,
    author: { id: 'official-1', kind: 'OFFICIAL' },
    text: 'Здравствуйте! Обращение передано в управляющую компанию, воду дадут сегодня.',
    posted_at: postedAt,
  });
}
