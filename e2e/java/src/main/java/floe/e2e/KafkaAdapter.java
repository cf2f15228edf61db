package floe.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What Strimzi's Topic and User Operators do with rendered KafkaTopic and KafkaUser objects, done with the Kafka
 * Admin API against a real broker, and probes of what a principal may do.
 *
 * <p>Mapping, read off strimzi-kafka-operator 1.2.0:
 * <ul>
 *   <li>KafkaTopic: topic {@code spec.topicName} (default {@code metadata.name}) with {@code spec.partitions},
 *       {@code spec.replicas} and {@code spec.config} (topic-operator BatchingTopicController creates it so).</li>
 *   <li>KafkaUser scram-sha-512: a SCRAM-SHA-512 credential with the generated password
 *       (user-operator ScramCredentialsOperator, 4096 iterations); tls: principal {@code CN=<name>}.</li>
 *   <li>ACLs: one binding per rule and operation, principal {@code User:<name>} (tls: {@code User:CN=<name>}),
 *       host {@code *} unless given, pattern literal or prefix (user-operator model/acl/SimpleAclRule,
 *       SimpleAclRuleResource).</li>
 *   <li>Quotas: client quotas of entity {@code user=<principal name>}: producer_byte_rate, consumer_byte_rate,
 *       request_percentage, controller_mutation_rate (user-operator QuotasOperator).</li>
 * </ul>
 *
 * <p>Usage: {@code java floe.e2e.KafkaAdapter apply|probe|throttle|read|write|commit|describe|configcheck <request.json>}; prints one JSON document.
 */
public final class KafkaAdapter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KafkaAdapter() {
    }

    public static void main(String[] args) throws Exception {
        JsonNode request = JSON.readTree(new File(args[1]));
        ObjectNode out = switch (args[0]) {
            case "apply" -> apply(request);
            case "probe" -> probe(request);
            case "throttle" -> throttle(request);
            case "read" -> read(request);
            case "write" -> write(request);
            case "commit" -> commit(request);
            case "describe" -> describe(request);
            case "configcheck" -> configcheck(request);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        };
        System.out.println(JSON.writeValueAsString(out));
        System.exit(0);
    }

    private static Properties props(JsonNode client) {
        Properties p = new Properties();
        Iterator<Map.Entry<String, JsonNode>> it = client.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            p.put(e.getKey(), e.getValue().asText());
        }
        return p;
    }

    private static String errorOf(Throwable t) {
        Throwable c = t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
        return c.getClass().getSimpleName() + ": " + c.getMessage();
    }

    /** The principal name of a KafkaUser, as the broker sees it. */
    private static String principalName(JsonNode user) {
        String name = user.path("metadata").path("name").asText();
        return "tls".equals(user.path("spec").path("authentication").path("type").asText()) ? "CN=" + name : name;
    }

    private static ObjectNode apply(JsonNode request) throws Exception {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode results = out.putArray("results");
        try (Admin admin = Admin.create(props(request.get("admin")))) {
            for (JsonNode topic : request.path("topics")) {
                JsonNode spec = topic.path("spec");
                String name = spec.has("topicName") ? spec.get("topicName").asText() : topic.path("metadata").path("name").asText();
                Map<String, String> config = new HashMap<>();
                spec.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
                NewTopic nt = new NewTopic(name, spec.path("partitions").asInt(1), (short) spec.path("replicas").asInt(1)).configs(config);
                ObjectNode r = results.addObject().put("kind", "KafkaTopic").put("name", name);
                try {
                    admin.createTopics(List.of(nt)).all().get();
                    r.put("ok", true);
                } catch (Exception e) {
                    r.put("ok", false).put("error", errorOf(e));
                }
            }
            for (JsonNode user : request.path("users")) {
                String principal = principalName(user);
                ObjectNode r = results.addObject().put("kind", "KafkaUser").put("name", principal);
                try {
                    JsonNode spec = user.path("spec");
                    if ("scram-sha-512".equals(spec.path("authentication").path("type").asText())) {
                        String password = request.path("passwords").path(user.path("metadata").path("name").asText()).asText();
                        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(principal,
                                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get();
                    }
                    List<AclBinding> bindings = new ArrayList<>();
                    for (JsonNode acl : spec.path("authorization").path("acls")) {
                        JsonNode res = acl.path("resource");
                        ResourceType type = switch (res.path("type").asText()) {
                            case "topic" -> ResourceType.TOPIC;
                            case "group" -> ResourceType.GROUP;
                            case "cluster" -> ResourceType.CLUSTER;
                            case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
                            default -> throw new IllegalArgumentException("resource type " + res.path("type").asText());
                        };
                        String resourceName = type == ResourceType.CLUSTER ? "kafka-cluster" : res.path("name").asText();
                        PatternType pattern = "prefix".equals(res.path("patternType").asText()) ? PatternType.PREFIXED : PatternType.LITERAL;
                        AclPermissionType permission = "deny".equals(acl.path("type").asText()) ? AclPermissionType.DENY : AclPermissionType.ALLOW;
                        String host = acl.has("host") ? acl.get("host").asText() : "*";
                        for (JsonNode op : acl.path("operations")) {
                            AclOperation operation = AclOperation.fromString(op.asText().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ENGLISH));
                            bindings.add(new AclBinding(new ResourcePattern(type, resourceName, pattern),
                                    new AccessControlEntry("User:" + principal, host, operation, permission)));
                        }
                    }
                    if (!bindings.isEmpty()) admin.createAcls(bindings).all().get();
                    r.put("acls", bindings.size());
                    JsonNode quotas = spec.path("quotas");
                    if (quotas.size() > 0) {
                        List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
                        quotas.fields().forEachRemaining(e -> ops.add(new ClientQuotaAlteration.Op(switch (e.getKey()) {
                            case "producerByteRate" -> "producer_byte_rate";
                            case "consumerByteRate" -> "consumer_byte_rate";
                            case "requestPercentage" -> "request_percentage";
                            case "controllerMutationRate" -> "controller_mutation_rate";
                            default -> throw new IllegalArgumentException("quota " + e.getKey());
                        }, e.getValue().asDouble())));
                        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, principal)), ops))).all().get();
                    }
                    r.put("ok", true);
                } catch (Exception e) {
                    r.put("ok", false).put("error", errorOf(e));
                }
            }
        }
        return out;
    }

    /** Each probe: produce, consume (with a group), or a transaction, as one principal; the outcome or the error. */
    private static ObjectNode probe(JsonNode request) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode results = out.putArray("results");
        for (JsonNode p : request.path("probes")) {
            ObjectNode r = results.addObject().put("id", p.path("id").asText());
            Properties client = props(p.get("client"));
            client.put("request.timeout.ms", "8000");
            client.put("default.api.timeout.ms", "8000");
            client.put("max.block.ms", "8000");
            String topic = p.path("topic").asText();
            try {
                switch (p.path("action").asText()) {
                    case "produce" -> {
                        client.put("acks", "all");
                        client.put("enable.idempotence", "false");
                        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer())) {
                            producer.send(new ProducerRecord<>(topic, "k".getBytes(), "v".getBytes())).get();
                        }
                    }
                    case "transaction" -> {
                        client.put("transactional.id", p.path("transactionalId").asText());
                        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer())) {
                            producer.initTransactions();
                            producer.beginTransaction();
                            producer.send(new ProducerRecord<>(topic, "k".getBytes(), "v".getBytes())).get();
                            producer.commitTransaction();
                        }
                    }
                    case "consume" -> {
                        client.put("group.id", p.path("group").asText());
                        client.put("auto.offset.reset", "earliest");
                        client.put("enable.auto.commit", "false");
                        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(client, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                            // Fetching needs Read on the topic; committing needs Read on the group.
                            consumer.subscribe(List.of(topic));
                            long deadline = System.currentTimeMillis() + 10_000;
                            int records = 0;
                            while (records == 0 && System.currentTimeMillis() < deadline) {
                                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                                records += batch.count();
                            }
                            r.put("records", records);
                            consumer.commitSync(Duration.ofSeconds(8));
                        }
                    }
                    case "fetch" -> {
                        // No group: assigned partitions, as MirrorMaker 2's source tasks read.
                        client.put("enable.auto.commit", "false");
                        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(client, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
                            consumer.partitionsFor(topic, Duration.ofSeconds(8)).forEach(i -> partitions.add(new org.apache.kafka.common.TopicPartition(topic, i.partition())));
                            consumer.assign(partitions);
                            consumer.seekToBeginning(partitions);
                            long deadline = System.currentTimeMillis() + 10_000;
                            int records = 0;
                            while (records == 0 && System.currentTimeMillis() < deadline) {
                                records += consumer.poll(Duration.ofMillis(500)).count();
                            }
                            r.put("records", records);
                        }
                    }
                    default -> throw new IllegalArgumentException("action " + p.path("action").asText());
                }
                r.put("ok", true);
            } catch (Exception e) {
                r.put("ok", false).put("error", errorOf(e));
            }
        }
        return out;
    }

    /** Produce `bytes` in records of 10 KiB as one principal, as fast as it can; the broker's produce throttle time. */
    private static ObjectNode throttle(JsonNode request) throws Exception {
        Properties client = props(request.get("client"));
        client.put("acks", "1");
        client.put("linger.ms", "5");
        client.put("batch.size", "262144");
        ObjectNode out = JSON.createObjectNode();
        long total = request.path("bytes").asLong();
        byte[] value = new byte[10 * 1024];
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer())) {
            // As fast as the client can: the quota, not the sender, must set the pace.
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            for (long sent = 0; sent < total; sent += value.length) {
                // Keyed: compacted topics refuse records without a key.
                sends.add(producer.send(new ProducerRecord<>(request.path("topic").asText(), Long.toString(sent).getBytes(), value)));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sends) f.get();
            double throttleMax = 0;
            for (Map.Entry<MetricName, ? extends Metric> m : producer.metrics().entrySet()) {
                if (m.getKey().name().equals("produce-throttle-time-max") && m.getKey().group().equals("producer-metrics")) {
                    throttleMax = Math.max(throttleMax, ((Number) m.getValue().metricValue()).doubleValue());
                }
            }
            out.put("throttleTimeMaxMs", throttleMax);
        }
        out.put("seconds", (System.nanoTime() - start) / 1e9);
        out.put("bytes", total);
        return out;
    }

    /** Every record of the topics (from the beginning up to their end offsets at the start), keys and values as text. */
    private static ObjectNode read(JsonNode request) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode records = out.putArray("records");
        Properties client = props(request.get("client"));
        client.put("enable.auto.commit", "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(client, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
            for (JsonNode t : request.path("topics")) {
                consumer.partitionsFor(t.asText(), Duration.ofSeconds(10)).forEach(i -> partitions.add(new org.apache.kafka.common.TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    ObjectNode o = records.addObject().put("topic", r.topic()).put("partition", r.partition()).put("offset", r.offset());
                    o.put("key", r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8));
                    o.put("value", r.value() == null ? null : new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            out.put("complete", partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp)));
        }
        return out;
    }

    /** Write records (topic, optional partition, key, value, optional timestamp) with acks=all; how many. */
    private static ObjectNode write(JsonNode request) throws Exception {
        Properties client = props(request.get("client"));
        client.put("acks", "all");
        client.put("enable.idempotence", "false");
        int n = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (JsonNode r : request.path("records")) {
                Integer partition = r.hasNonNull("partition") ? r.get("partition").asInt() : null;
                Long timestamp = r.hasNonNull("timestamp") ? r.get("timestamp").asLong() : null;
                byte[] key = r.hasNonNull("key") ? r.get("key").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
                byte[] value = r.hasNonNull("value") ? r.get("value").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
                producer.send(new ProducerRecord<>(r.path("topic").asText(), partition, timestamp, key, value)).get();
                n++;
            }
        }
        return JSON.createObjectNode().put("written", n);
    }

    /** Commit offsets for a group: {group, offsets: {topic: {partition: offset}}}. */
    private static ObjectNode commit(JsonNode request) throws Exception {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets = new HashMap<>();
        request.path("offsets").fields().forEachRemaining(t -> t.getValue().fields().forEachRemaining(p ->
                offsets.put(new org.apache.kafka.common.TopicPartition(t.getKey(), Integer.parseInt(p.getKey())), new org.apache.kafka.clients.consumer.OffsetAndMetadata(p.getValue().asLong()))));
        try (Admin admin = Admin.create(props(request.get("client")))) {
            admin.alterConsumerGroupOffsets(request.path("group").asText(), offsets).all().get();
        }
        return JSON.createObjectNode().put("committed", offsets.size());
    }

    /** The cluster's topic names and the committed offsets of the given groups. */
    private static ObjectNode describe(JsonNode request) throws Exception {
        ObjectNode out = JSON.createObjectNode();
        try (Admin admin = Admin.create(props(request.get("client")))) {
            ArrayNode topics = out.putArray("topics");
            admin.listTopics().names().get().stream().sorted().forEach(topics::add);
            ObjectNode groups = out.putObject("groups");
            for (JsonNode g : request.path("groups")) {
                ObjectNode offsets = groups.putObject(g.asText());
                admin.listConsumerGroupOffsets(g.asText()).partitionsToOffsetAndMetadata().get().forEach((tp, om) -> {
                    if (om != null) offsets.put(tp.topic() + ":" + tp.partition(), om.offset());
                });
            }
        }
        return out;
    }

    /**
     * Kafka's own verdict on config values, without a broker: each {@code {scope: topic|broker, key, value}} parsed
     * by the ConfigDef the broker uses ({@code LogConfig.configDefCopy()} for topics,
     * {@code AbstractKafkaConfig.CONFIG_DEF} for brokers) as {@code ConfigDef.parseType} and its validator do;
     * also every topic config name with its type.
     */
    private static ObjectNode configcheck(JsonNode request) {
        org.apache.kafka.common.config.ConfigDef topic = org.apache.kafka.storage.internals.log.LogConfig.configDefCopy();
        org.apache.kafka.common.config.ConfigDef broker = org.apache.kafka.server.config.AbstractKafkaConfig.CONFIG_DEF;
        ObjectNode out = JSON.createObjectNode();
        ObjectNode topicTypes = out.putObject("topicTypes");
        topic.configKeys().forEach((name, key) -> topicTypes.put(name, key.type.name()));
        ArrayNode results = out.putArray("results");
        for (JsonNode e : request.path("entries")) {
            String scope = e.path("scope").asText();
            String name = e.path("key").asText();
            String value = e.path("value").asText();
            org.apache.kafka.common.config.ConfigDef.ConfigKey key = ("topic".equals(scope) ? topic : broker).configKeys().get(name);
            ObjectNode r = results.addObject();
            r.put("scope", scope).put("key", name).put("value", value);
            if (key == null) {
                r.put("known", false).put("ok", false);
                continue;
            }
            r.put("known", true).put("type", key.type.name());
            try {
                Object parsed = org.apache.kafka.common.config.ConfigDef.parseType(name, value, key.type);
                if (key.validator != null) key.validator.ensureValid(name, parsed);
                r.put("ok", true);
            } catch (org.apache.kafka.common.config.ConfigException ex) {
                r.put("ok", false).put("error", ex.getMessage());
            }
        }
        return out;
    }
}
