/** What a context check asks for when traces carry no message content (report prose: it lives with the checks, not the analyses). */
export const CAPTURE_MESSAGE_CONTENT =
  "enable message content capture (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true or the framework's equivalent) so llm spans carry their input messages (gen_ai.input.messages)";
