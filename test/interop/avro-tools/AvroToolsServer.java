import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.tool.BinaryFragmentToJsonTool;
import org.apache.avro.tool.DataFileReadTool;
import org.apache.avro.tool.DataFileWriteTool;
import org.apache.avro.tool.Tool;

/**
 * avro-tools' commands, many in one JVM: each stdin line is `output-file TAB command TAB arg...`; the
 * command's stdout goes to the output file and one reply line `exit-code TAB stderr` to stdout. A JVM
 * start per command cost the interop test about 1.4 CPU-seconds each, ten times over; the tools
 * themselves are the same classes `java -jar avro-tools.jar <command>` runs.
 *
 * Run from source (Java 11+ compiles a single file at launch): java -cp avro-tools.jar AvroToolsServer.java
 */
public class AvroToolsServer {
  private static final Map<String, Tool> TOOLS =
      Map.of(
          "fromjson", new DataFileWriteTool(),
          "tojson", new DataFileReadTool(),
          "fragtojson", new BinaryFragmentToJsonTool());

  public static void main(String[] ignored) throws Exception {
    BufferedReader requests =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream replies = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    String line;
    while ((line = requests.readLine()) != null) {
      String[] parts = line.split("\t", -1);
      ByteArrayOutputStream errors = new ByteArrayOutputStream();
      int code;
      try (PrintStream out = new PrintStream(Files.newOutputStream(Path.of(parts[0])));
          PrintStream err = new PrintStream(errors, true, StandardCharsets.UTF_8)) {
        Tool tool = parts.length > 1 ? TOOLS.get(parts[1]) : null;
        if (tool == null) {
          err.print("unknown command: " + (parts.length > 1 ? parts[1] : "(none)"));
          code = 2;
        } else {
          List<String> args = Arrays.asList(parts).subList(2, parts.length);
          code = tool.run(InputStream.nullInputStream(), out, err, args);
        }
      } catch (Exception e) {
        errors.writeBytes(String.valueOf(e).getBytes(StandardCharsets.UTF_8));
        code = 1;
      }
      replies.println(code + "\t" + errors.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " "));
    }
  }
}
