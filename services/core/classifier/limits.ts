/**
 * How much of a comment the classifier reads by default: 16 KiB of UTF-8, some 8,000 Cyrillic letters,
 * far beyond any real comment. Its own file so configuration can name it without loading the classifier.
 */
export const DEFAULT_MAX_TEXT_BYTES = 16 * 1024;
