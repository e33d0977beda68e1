package io.blip.sink.chronosphere;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.TimestampProto;
import com.sun.net.httpserver.HttpExchange;
import io.blip.testkit.FakeReceiver;
import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A Chronosphere collector's OpenMetrics write endpoint on loopback: a real HTTP server on a random
 * port that takes {@code POST /openmetrics/write} as Blip sends it, a snappy block (decompressed with
 * snappy-java) of an OpenMetrics {@code MetricSet} in protobuf, decoded with protobuf-java's own parser
 * against the messages of openmetrics_data_model.proto (those Blip uses, declared here field by field):
 * 400 with what is wrong when the body is not snappy, not that message, has fields the schema has not,
 * or a point without exactly one value. Answers may be scripted: each scripted answer is given to one
 * request, before the checks; then 200.
 */
final class FakeChronosphere implements AutoCloseable {
    static final Descriptors.Descriptor METRIC_SET = schema();

    /** One point as received: family name, labels, "gauge" or "counter", value, time. */
    record Point(String name, Map<String, String> labels, String type, double value, Instant timestamp) {
    }

    record Received(int status, String contentType, List<Point> points, String problem) {
        boolean ok() {
            return status == 200;
        }
    }

    private final FakeReceiver<Integer, Received> http;

    private FakeChronosphere() throws IOException {
        http = FakeReceiver.start(this::handle);
    }

    static FakeChronosphere start() throws IOException {
        return new FakeChronosphere();
    }

    /** The write endpoint, for {@code url}. */
    String url() {
        return http.url() + "/openmetrics/write";
    }

    FakeChronosphere script(Integer... statuses) {
        http.script(statuses);
        return this;
    }

    List<Received> received() {
        return http.received();
    }

    List<Point> delivered() {
        return http.received().stream().filter(Received::ok).flatMap(r -> r.points().stream()).toList();
    }

    List<Received> await(String what, Predicate<List<Received>> done, Duration wait)
            throws InterruptedException {
        return http.await(what, done, wait);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            Integer scripted = http.nextScripted();
            if (scripted != null) {
                answer(exchange, scripted, "scripted " + scripted, new Received(scripted, type, List.of(), "scripted"));
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")
                    || !exchange.getRequestURI().getPath().equals("/openmetrics/write")) {
                answer(exchange, 404, "not found", new Received(404, type, List.of(), "route"));
                return;
            }
            try {
                List<Point> points = decode(body);
                answer(exchange, 200, "", new Received(200, type, points, ""));
            } catch (IllegalArgumentException e) {
                answer(exchange, 400, e.getMessage(), new Received(400, type, List.of(), e.getMessage()));
            }
        }
    }

    private void answer(HttpExchange exchange, int status, String body, Received r) throws IOException {
        http.answer(exchange, status, Map.of(), body, r);
    }

    /** The points of a body: snappy, then the MetricSet, checked. */
    static List<Point> decode(byte[] body) {
        byte[] raw;
        try {
            if (!Snappy.isValidCompressedBuffer(body)) {
                throw new IllegalArgumentException("not a snappy block");
            }
            raw = Snappy.uncompress(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a snappy block: " + e.getMessage());
        }
        DynamicMessage set;
        try {
            set = DynamicMessage.parseFrom(METRIC_SET, raw);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an OpenMetrics MetricSet: " + e.getMessage());
        }
        var out = new ArrayList<Point>();
        noUnknownFields(set);
        for (Object f : (List<?>) set.getField(field(METRIC_SET, "metric_families"))) {
            var family = (DynamicMessage) f;
            String name = (String) family.getField(field(family.getDescriptorForType(), "name"));
            if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
                throw new IllegalArgumentException("not a metric name: '" + name + "'");
            }
            for (Object m : (List<?>) family.getField(field(family.getDescriptorForType(), "metrics"))) {
                var metric = (DynamicMessage) m;
                var labels = new LinkedHashMap<String, String>();
                for (Object l : (List<?>) metric.getField(field(metric.getDescriptorForType(), "labels"))) {
                    var label = (DynamicMessage) l;
                    labels.put((String) label.getField(field(label.getDescriptorForType(), "name")),
                            (String) label.getField(field(label.getDescriptorForType(), "value")));
                }
                for (Object p : (List<?>) metric.getField(field(metric.getDescriptorForType(), "metric_points"))) {
                    out.add(point(name, labels, (DynamicMessage) p));
                }
            }
        }
        return out;
    }

    private static Point point(String name, Map<String, String> labels, DynamicMessage p) {
        Descriptors.Descriptor d = p.getDescriptorForType();
        boolean gauge = p.hasField(field(d, "gauge_value"));
        boolean counter = p.hasField(field(d, "counter_value"));
        if (gauge == counter) {
            throw new IllegalArgumentException(name + ": a point needs exactly one of gauge_value and counter_value");
        }
        var value = (DynamicMessage) p.getField(field(d, gauge ? "gauge_value" : "counter_value"));
        if (!value.hasField(field(value.getDescriptorForType(), "double_value"))) {
            throw new IllegalArgumentException(name + ": the value is not a double");
        }
        if (!p.hasField(field(d, "timestamp"))) {
            throw new IllegalArgumentException(name + ": a point without a timestamp");
        }
        Timestamp ts;
        try {
            ts = Timestamp.parseFrom(((DynamicMessage) p.getField(field(d, "timestamp"))).toByteString());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(name + ": bad timestamp: " + e.getMessage());
        }
        return new Point(name, labels, gauge ? "gauge" : "counter",
                (double) value.getField(field(value.getDescriptorForType(), "double_value")),
                Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos()));
    }

    private static void noUnknownFields(DynamicMessage m) {
        if (!m.getUnknownFields().asMap().isEmpty()) {
            throw new IllegalArgumentException(m.getDescriptorForType().getName() + " has fields the schema has not: "
                    + m.getUnknownFields().asMap().keySet());
        }
        m.getAllFields().forEach((f, v) -> {
            if (f.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE) {
                for (Object o : f.isRepeated() ? (List<?>) v : List.of(v)) {
                    if (o instanceof DynamicMessage child) {
                        noUnknownFields(child);
                    }
                }
            }
        });
    }

    private static Descriptors.FieldDescriptor field(Descriptors.Descriptor d, String name) {
        return d.findFieldByName(name);
    }

    /** The messages of openmetrics_data_model.proto Blip's sink writes, with their numbers. */
    private static Descriptors.Descriptor schema() {
        var file = FileDescriptorProto.newBuilder().setName("openmetrics_data_model.proto").setPackage("openmetrics")
                .setSyntax("proto3").addDependency("google/protobuf/timestamp.proto")
                .addMessageType(message("MetricSet", repeated("metric_families", 1, ".openmetrics.MetricFamily")))
                .addMessageType(message("MetricFamily", scalar("name", 1, Type.TYPE_STRING),
                        scalar("type", 2, Type.TYPE_INT32), scalar("unit", 3, Type.TYPE_STRING),
                        scalar("help", 4, Type.TYPE_STRING), repeated("metrics", 5, ".openmetrics.Metric")))
                .addMessageType(message("Metric", repeated("labels", 1, ".openmetrics.Label"),
                        repeated("metric_points", 2, ".openmetrics.MetricPoint")))
                .addMessageType(message("Label", scalar("name", 1, Type.TYPE_STRING),
                        scalar("value", 2, Type.TYPE_STRING)))
                .addMessageType(message("MetricPoint", single("gauge_value", 2, ".openmetrics.GaugeValue"),
                        single("counter_value", 3, ".openmetrics.CounterValue"),
                        single("timestamp", 8, ".google.protobuf.Timestamp")))
                .addMessageType(message("GaugeValue", optional("double_value", 1, Type.TYPE_DOUBLE),
                        optional("int_value", 2, Type.TYPE_INT64)))
                .addMessageType(message("CounterValue", optional("double_value", 1, Type.TYPE_DOUBLE),
                        optional("int_value", 2, Type.TYPE_UINT64),
                        single("created", 3, ".google.protobuf.Timestamp")))
                .build();
        try {
            return Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[] {
                    TimestampProto.getDescriptor()}).findMessageTypeByName("MetricSet");
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DescriptorProto message(String name, FieldDescriptorProto... fields) {
        var message = DescriptorProto.newBuilder().setName(name).addAllField(List.of(fields));
        if (List.of(fields).stream().anyMatch(FieldDescriptorProto::hasOneofIndex)) {
            message.addOneofDecl(com.google.protobuf.DescriptorProtos.OneofDescriptorProto.newBuilder().setName("value"));
        }
        return message.build();
    }

    private static FieldDescriptorProto scalar(String name, int number, Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(Label.LABEL_OPTIONAL).build();
    }

    /** A member of the message's oneof (GaugeValue's value, CounterValue's total): a 0.0 is told from none. */
    private static FieldDescriptorProto optional(String name, int number, Type type) {
        return scalar(name, number, type).toBuilder().setOneofIndex(0).build();
    }

    private static FieldDescriptorProto single(String name, int number, String type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(Type.TYPE_MESSAGE)
                .setTypeName(type).setLabel(Label.LABEL_OPTIONAL).build();
    }

    private static FieldDescriptorProto repeated(String name, int number, String type) {
        return single(name, number, type).toBuilder().setLabel(Label.LABEL_REPEATED).build();
    }

    @Override
    public void close() {
        http.close();
    }
}
