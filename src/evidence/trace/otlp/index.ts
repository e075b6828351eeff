/** OTLP trace readers: JSON (one document or JSON Lines) and protobuf, gzip accepted by both. */
export { createOtlpJsonReader, otlpJsonReader } from './json-reader.js';
export { createOtlpProtobufReader, otlpProtobufReader } from './protobuf-reader.js';
export { DEFAULT_OTLP_LIMITS, type OtlpReaderLimits } from './session.js';
