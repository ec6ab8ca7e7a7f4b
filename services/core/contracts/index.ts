/**
 * Otklik's event contracts: the public face of services/core/contracts. Encoders write the Schema
 * Registry wire format with the current schema's catalogue id; decoders read any released version into
 * the current one. Types come from the generated file, derived from schemas/*.avsc.
 */
import { SUBJECTS } from './catalogue.js';
import { getDefaultCatalogue } from './catalogue-files.js';
import { createSubjectCodec, type SubjectCodec } from './codec.js';
import { createClassifiedEncoder, type ClassifiedEncoder } from './classified-encoder.js';
import {
  createCommentDecoderWith,
  type CommentDecoder,
  type ContractLimitsInput,
} from './comment-decoder.js';
import type { SchemaSource } from './schema-source.js';
import {
  createOperatorActionDecoderWith,
  type ActionLimits,
  type OperatorActionDecoder,
} from './action-gate.js';
import type {
  ClassifiedComment,
  CommentEvent,
  IncidentEvent,
  OperatorAction,
  SlaAlert,
} from './schema-types.generated.js';

export * from './schema-types.generated.js';
export {
  SUBJECTS,
  SchemaCatalogue,
  buildAvroType,
  type CatalogueEntry,
  type CatalogueRecord,
} from './catalogue.js';
export { getDefaultCatalogue, loadCatalogue, readCatalogueRecords, SCHEMAS_DIR } from './catalogue-files.js';
export type { SchemaSource } from './schema-source.js';
export { RegistrySchemas, type RegisteredVersion } from './registry-schemas.js';
export { createSubjectCodec, type SubjectCodec, type SubjectCodecOptions } from './codec.js';
export { createClassifiedEncoder, type ClassifiedEncoder } from './classified-encoder.js';
export {
  checkEvent,
  createCommentDecoderWith,
  DEFAULT_CONTRACT_LIMITS,
  resolveLimits,
  type CommentDecoder,
  type ContractLimits,
  type ContractLimitsInput,
} from './comment-decoder.js';
export {
  DEFAULT_FIELD_BYTES,
  EXTRA_REGION_PATTERN,
  LIMITED_FIELDS,
  MAX_FIELD_LIMIT_BYTES,
  type FieldByteLimits,
  type LimitedField,
} from './field-rules.js';
export { checkCatalogue } from './compat.js';
export {
  checkOperatorAction,
  createOperatorActionDecoderWith,
  DEFAULT_ACTION_LIMITS,
  type ActionLimits,
  type OperatorActionDecoder,
} from './action-gate.js';
export * from './dead-letter.js';
export * from './bounded-dead-letter.js';
export {
  ContractEncodeError,
  ContractError,
  DEAD_LETTER_CODES,
  isDeadLetterCode,
  type DeadLetterCode,
} from './errors.js';
export {
  AVRO_CONTENT_TYPES,
  CONTENT_TYPE_HEADER,
  JSON_CONTENT_TYPE,
  findHeader,
  inputFormatOf,
  type HeaderValue,
  type IncomingHeaders,
  type InputFormat,
} from './headers.js';
export { MAGIC_BYTE, WIRE_HEADER_BYTES, frameWire, unframeWire } from './wire.js';

/** The codecs of Otklik's subjects over one schema source, and the classified output's encoder. */
export interface ContractCodecs {
  commentEvent: SubjectCodec<CommentEvent>;
  classifiedComment: SubjectCodec<ClassifiedComment>;
  slaAlert: SubjectCodec<SlaAlert>;
  incidentEvent: SubjectCodec<IncidentEvent>;
  operatorAction: SubjectCodec<OperatorAction>;
  classifiedEncoder: ClassifiedEncoder;
}

/** Codecs over any schema source: the carried catalogue (defaultCodecs) or a registry's schemas. */
export function createContractCodecs(source: SchemaSource): ContractCodecs {
  const commentEvent = createSubjectCodec<CommentEvent>(source, SUBJECTS.commentEvent);
  const classifiedComment = createSubjectCodec<ClassifiedComment>(source, SUBJECTS.classifiedComment);
  return {
    commentEvent,
    classifiedComment,
    slaAlert: createSubjectCodec<SlaAlert>(source, SUBJECTS.slaAlert),
    incidentEvent: createSubjectCodec<IncidentEvent>(source, SUBJECTS.incidentEvent),
    operatorAction: createSubjectCodec<OperatorAction>(source, SUBJECTS.operatorAction),
    classifiedEncoder: createClassifiedEncoder(commentEvent, classifiedComment),
  };
}

let codecs: ContractCodecs | undefined;

function defaultClassifiedEncoder(): ClassifiedEncoder {
  return defaultCodecs().classifiedEncoder;
}

/** The process-wide codecs over the shipped catalogue, built on first use. */
export function defaultCodecs(): ContractCodecs {
  codecs ??= createContractCodecs(getDefaultCatalogue());
  return codecs;
}

/**
 * The decoder for the comments topic: Avro in the wire format (any released CommentEvent version) or,
 * with content-type application/json, JSON under the same schema. Throws ContractError.
 */
export function createCommentDecoder(
  limits?: ContractLimitsInput,
  codecs: ContractCodecs = defaultCodecs(),
): CommentDecoder {
  return createCommentDecoderWith(codecs.commentEvent, limits);
}

export function encodeCommentEvent(event: CommentEvent): Buffer {
  return defaultCodecs().commentEvent.encode(event);
}

/**
 * `commentBody`, from `commentBodyOf(message)`: the Avro body the comment was decoded from, copied into
 * the output instead of encoding the comment again (same bytes on the wire).
 */
export function encodeClassifiedComment(classified: ClassifiedComment, commentBody?: Buffer): Buffer {
  return defaultClassifiedEncoder().encode(classified, commentBody);
}

/** The Avro body of a comments-topic message written with the current CommentEvent schema, else undefined. */
export function commentBodyOf(message: Buffer): Buffer | undefined {
  return defaultClassifiedEncoder().commentBodyOf(message);
}

export function encodeSlaAlert(alert: SlaAlert): Buffer {
  return defaultCodecs().slaAlert.encode(alert);
}

/** Reads a CommentEvent without the input limits (tools, tests); the worker uses createCommentDecoder. */
export function decodeCommentEvent(message: Buffer): CommentEvent {
  return defaultCodecs().commentEvent.decode(message);
}

export function decodeClassifiedComment(message: Buffer): ClassifiedComment {
  return defaultCodecs().classifiedComment.decode(message);
}

export function decodeSlaAlert(message: Buffer): SlaAlert {
  return defaultCodecs().slaAlert.decode(message);
}

export function encodeIncidentEvent(event: IncidentEvent): Buffer {
  return defaultCodecs().incidentEvent.encode(event);
}

export function decodeIncidentEvent(message: Buffer): IncidentEvent {
  return defaultCodecs().incidentEvent.decode(message);
}

export function encodeOperatorAction(action: OperatorAction): Buffer {
  return defaultCodecs().operatorAction.encode(action);
}

/** Reads an OperatorAction without the gate (tools, tests); a consumer uses createOperatorActionDecoder. */
export function decodeOperatorAction(message: Buffer): OperatorAction {
  return defaultCodecs().operatorAction.decode(message);
}

/** The gate of the operator-actions topic (action-gate.ts): Avro or JSON in, a checked action out. */
export function createOperatorActionDecoder(
  limits?: Partial<ActionLimits>,
  codecs: ContractCodecs = defaultCodecs(),
): OperatorActionDecoder {
  return createOperatorActionDecoderWith(codecs.operatorAction, limits);
}
