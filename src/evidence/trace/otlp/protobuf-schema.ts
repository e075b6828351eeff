import { Root, type INamespace, type Type } from 'protobufjs';

/**
 * The OTLP trace messages (and, for mimir serve's /v1/logs, the logs messages: logsDataType), for
 * protobufjs's reflection API.
 *
 * No installed package ships the .proto files or a protobufjs root for them (the OpenTelemetry JS
 * exporters now hand-write their protobuf encoder), so the handful of messages a trace export
 * needs are declared here, field for field, from opentelemetry-proto v1.x (as of v1.7.0; the trace
 * messages are stable since v1.0, `flags` was added in v1.1):
 *   opentelemetry/proto/common/v1/common.proto    AnyValue, ArrayValue, KeyValueList, KeyValue, InstrumentationScope
 *   opentelemetry/proto/resource/v1/resource.proto Resource
 *   opentelemetry/proto/trace/v1/trace.proto       TracesData, ResourceSpans, ScopeSpans, Span, Span.Event, Span.Link, Status
 * ExportTraceServiceRequest (collector/trace/v1/trace_service.proto) has the same layout as
 * TracesData (field 1: repeated ResourceSpans), so one walker reads both. Field 1000 of
 * ResourceSpans is the pre-1.0 `instrumentation_library_spans`, laid out like ScopeSpans.
 * Field names are the lowerCamelCase JSON names, so decoded objects look like OTLP JSON.
 */
const OTLP_TRACE_SCHEMA: INamespace = {
  nested: {
    opentelemetry: {
      nested: {
        proto: {
          nested: {
            common: {
              nested: {
                v1: {
                  nested: {
                    AnyValue: {
                      oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
                      fields: {
                        stringValue: { type: 'string', id: 1 },
                        boolValue: { type: 'bool', id: 2 },
                        intValue: { type: 'int64', id: 3 },
                        doubleValue: { type: 'double', id: 4 },
                        arrayValue: { type: 'ArrayValue', id: 5 },
                        kvlistValue: { type: 'KeyValueList', id: 6 },
                        bytesValue: { type: 'bytes', id: 7 },
                      },
                    },
                    ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
                    KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
                    KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
                    InstrumentationScope: {
                      fields: {
                        name: { type: 'string', id: 1 },
                        version: { type: 'string', id: 2 },
                        attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
                        droppedAttributesCount: { type: 'uint32', id: 4 },
                      },
                    },
                  },
                },
              },
            },
            resource: {
              nested: {
                v1: {
                  nested: {
                    Resource: {
                      fields: {
                        attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 1 },
                        droppedAttributesCount: { type: 'uint32', id: 2 },
                      },
                    },
                  },
                },
              },
            },
            trace: {
              nested: {
                v1: {
                  nested: {
                    TracesData: { fields: { resourceSpans: { rule: 'repeated', type: 'ResourceSpans', id: 1 } } },
                    ResourceSpans: {
                      fields: {
                        resource: { type: 'opentelemetry.proto.resource.v1.Resource', id: 1 },
                        scopeSpans: { rule: 'repeated', type: 'ScopeSpans', id: 2 },
                        schemaUrl: { type: 'string', id: 3 },
                      },
                    },
                    ScopeSpans: {
                      fields: {
                        scope: { type: 'opentelemetry.proto.common.v1.InstrumentationScope', id: 1 },
                        spans: { rule: 'repeated', type: 'Span', id: 2 },
                        schemaUrl: { type: 'string', id: 3 },
                      },
                    },
                    Span: {
                      fields: {
                        traceId: { type: 'bytes', id: 1 },
                        spanId: { type: 'bytes', id: 2 },
                        traceState: { type: 'string', id: 3 },
                        parentSpanId: { type: 'bytes', id: 4 },
                        flags: { type: 'fixed32', id: 16 },
                        name: { type: 'string', id: 5 },
                        kind: { type: 'SpanKind', id: 6 },
                        startTimeUnixNano: { type: 'fixed64', id: 7 },
                        endTimeUnixNano: { type: 'fixed64', id: 8 },
                        attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 9 },
                        droppedAttributesCount: { type: 'uint32', id: 10 },
                        events: { rule: 'repeated', type: 'Event', id: 11 },
                        droppedEventsCount: { type: 'uint32', id: 12 },
                        links: { rule: 'repeated', type: 'Link', id: 13 },
                        droppedLinksCount: { type: 'uint32', id: 14 },
                        status: { type: 'Status', id: 15 },
                      },
                      nested: {
                        SpanKind: {
                          values: {
                            SPAN_KIND_UNSPECIFIED: 0,
                            SPAN_KIND_INTERNAL: 1,
                            SPAN_KIND_SERVER: 2,
                            SPAN_KIND_CLIENT: 3,
                            SPAN_KIND_PRODUCER: 4,
                            SPAN_KIND_CONSUMER: 5,
                          },
                        },
                        Event: {
                          fields: {
                            timeUnixNano: { type: 'fixed64', id: 1 },
                            name: { type: 'string', id: 2 },
                            attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 3 },
                            droppedAttributesCount: { type: 'uint32', id: 4 },
                          },
                        },
                        Link: {
                          fields: {
                            traceId: { type: 'bytes', id: 1 },
                            spanId: { type: 'bytes', id: 2 },
                            traceState: { type: 'string', id: 3 },
                            attributes: { rule: 'repeated', type: 'opentelemetry.proto.common.v1.KeyValue', id: 4 },
                            droppedAttributesCount: { type: 'uint32', id: 5 },
                            flags: { type: 'fixed32', id: 6 },
                          },
                        },
                      },
                    },
                    Status: {
                      fields: {
                        message: { type: 'string', id: 2 },
                        code: { type: 'StatusCode', id: 3 },
                      },
                      nested: {
                        StatusCode: { values: { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

let root: Root | undefined;

function otlpRoot(): Root {
  root ??= Root.fromJSON(OTLP_TRACE_SCHEMA);
  return root;
}

/** opentelemetry.proto.trace.v1.Span, resolved once. */
export function spanType(): Type {
  return otlpRoot().lookupType('opentelemetry.proto.trace.v1.Span');
}

/** opentelemetry.proto.trace.v1.TracesData (same layout as ExportTraceServiceRequest). */
export function tracesDataType(): Type {
  return otlpRoot().lookupType('opentelemetry.proto.trace.v1.TracesData');
}

/** Wire field numbers the walker in protobuf-decode.ts follows. */
export const OTLP_FIELDS = {
  /** TracesData / ExportTraceServiceRequest. */
  resourceSpans: 1,
  /** ResourceSpans. */
  scopeSpans: 2,
  instrumentationLibrarySpans: 1000,
  /** ScopeSpans (and InstrumentationLibrarySpans). */
  spans: 2,
} as const;

let logsType: Type | undefined;

/**
 * opentelemetry.proto.logs.v1.LogsData (same layout as ExportLogsServiceRequest), declared on top of
 * the trace schema's common messages (AnyValue, KeyValue, Resource) so those are declared once.
 */
export function logsDataType(): Type {
  if (logsType) return logsType;
  const root = Root.fromJSON(spanType().root.toJSON());
  const common = 'opentelemetry.proto.common.v1';
  root.define('opentelemetry.proto.logs.v1').addJSON({
    LogsData: { fields: { resourceLogs: { rule: 'repeated', type: 'ResourceLogs', id: 1 } } },
    ResourceLogs: {
      fields: { resource: { type: 'opentelemetry.proto.resource.v1.Resource', id: 1 }, scopeLogs: { rule: 'repeated', type: 'ScopeLogs', id: 2 }, schemaUrl: { type: 'string', id: 3 } },
    },
    ScopeLogs: { fields: { scope: { type: `${common}.InstrumentationScope`, id: 1 }, logRecords: { rule: 'repeated', type: 'LogRecord', id: 2 }, schemaUrl: { type: 'string', id: 3 } } },
    LogRecord: {
      fields: {
        timeUnixNano: { type: 'fixed64', id: 1 },
        severityNumber: { type: 'int32', id: 2 },
        severityText: { type: 'string', id: 3 },
        body: { type: `${common}.AnyValue`, id: 5 },
        attributes: { rule: 'repeated', type: `${common}.KeyValue`, id: 6 },
        droppedAttributesCount: { type: 'uint32', id: 7 },
        flags: { type: 'fixed32', id: 8 },
        traceId: { type: 'bytes', id: 9 },
        spanId: { type: 'bytes', id: 10 },
        observedTimeUnixNano: { type: 'fixed64', id: 11 },
        eventName: { type: 'string', id: 12 },
      },
    },
  });
  logsType = root.lookupType('opentelemetry.proto.logs.v1.LogsData');
  return logsType;
}
