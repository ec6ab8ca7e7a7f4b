package dev.otklik.interop;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A producer and a consumer the way a team outside Otklik writes them: Apicurio's Avro serde, which
 * registers the producer's schema itself (TopicIdStrategy: subject "<topic>-value") and writes the
 * Confluent wire format (Default4ByteIdHandler, content ids, no headers).
 *
 *   produce <bootstrap> <registry v3 url> <topic> <comment-event.v1.avsc> <count> <id prefix>
 *       half with our v1 schema, half with a newer version that adds a field (BACKWARD compatible)
 *   consume <bootstrap> <registry v3 url> <topic>[,<topic>...] <count> <timeout ms>
 *       prints each record as "RECORD <schema full name> <record as JSON>", then "CONSUMED <n>"
 */
public final class RegistryInterop {
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "produce" -> produce(args[1], args[2], args[3], new File(args[4]), Integer.parseInt(args[5]), args[6]);
      case "consume" -> consume(args[1], args[2], args[3], Integer.parseInt(args[4]), Long.parseLong(args[5]));
      default -> throw new IllegalArgumentException("produce | consume");
    }
    // The registry client's shared Vert.x instance keeps non-daemon threads alive for a while.
    System.out.flush();
    System.exit(0);
  }

  private static Map<String, Object> serdeConfig(String registryUrl) {
    return Map.of(
        SerdeConfig.REGISTRY_URL, registryUrl,
        SerdeConfig.AUTO_REGISTER_ARTIFACT, true,
        SerdeConfig.ID_HANDLER, "io.apicurio.registry.serde.Default4ByteIdHandler",
        SerdeConfig.USE_ID, "contentId",
        "apicurio.registry.headers.enabled", false);
  }

  /** The producer's newer version: ours plus a field with a default, which an older reader skips. */
  private static Schema withAddedField(Schema v1) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : v1.getFields()) fields.add(new Schema.Field(f, f.schema()));
    Schema optionalString =
        Schema.createUnion(List.of(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)));
    fields.add(new Schema.Field("source_app", optionalString, "added by the producer team", Schema.Field.NULL_DEFAULT_VALUE));
    return Schema.createRecord(v1.getName(), v1.getDoc(), v1.getNamespace(), false, fields);
  }

  private static GenericRecord comment(Schema schema, String id, int i) {
    GenericRecord author = new GenericData.Record(schema.getField("author").schema());
    author.put("id", "citizen-" + i);
    author.put("kind", new GenericData.EnumSymbol(author.getSchema().getField("kind").schema(), "CITIZEN"));
    GenericRecord r = new GenericData.Record(schema);
    r.put("event_id", id + "-e");
    r.put("op", new GenericData.EnumSymbol(schema.getField("op").schema(), "POSTED"));
    r.put("platform", new GenericData.EnumSymbol(schema.getField("platform").schema(), "VK"));
    r.put("comment_id", id);
    r.put("thread_id", "post-1");
    r.put("page_id", "page-1");
    r.put("region", "54");
    r.put("author", author);
    r.put("text", "Третий день нет горячей воды в доме, управляющая компания не отвечает. Когда починят?");
    r.put("posted_at", System.currentTimeMillis());
    if (schema.getField("source_app") != null) r.put("source_app", "java-interop");
    return r;
  }

  private static void produce(String bootstrap, String registryUrl, String topic, File v1File, int count, String prefix)
      throws Exception {
    Schema v1 = new Schema.Parser().parse(v1File);
    Schema v2 = withAddedField(v1);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class.getName());
    props.putAll(serdeConfig(registryUrl));
    try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < count; i++) {
        Schema schema = i < count / 2 ? v1 : v2;
        String id = prefix + "-" + i;
        producer.send(new ProducerRecord<>(topic, id, comment(schema, id, i))).get();
      }
    }
    System.out.println("PRODUCED " + count);
  }

  private static void consume(String bootstrap, String registryUrl, String topic, int count, long timeoutMs) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "registry-interop-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A throwaway group: nothing to commit, and no waiting on the way out.
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class.getName());
    props.putAll(serdeConfig(registryUrl));
    int seen = 0;
    long deadline = System.currentTimeMillis() + timeoutMs;
    KafkaConsumer<String, GenericRecord> consumer = new KafkaConsumer<>(props);
    consumer.subscribe(List.of(topic.split(",")));
    while (seen < count && System.currentTimeMillis() < deadline) {
      for (ConsumerRecord<String, GenericRecord> record : consumer.poll(Duration.ofMillis(200))) {
        seen++;
        System.out.println("RECORD " + record.value().getSchema().getFullName() + " " + record.value());
      }
    }
    System.out.println("CONSUMED " + seen);
    System.out.flush();
    consumer.close(Duration.ofMillis(500));
  }
}
