package floe.e2e.flink;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

/**
 * Runs a rendered SQL script (the `statements.sql` of a Floe SQL job's ConfigMap) the way the Flink Kubernetes
 * Operator's SQL runner example does (flink-kubernetes-operator 1.15, examples/flink-sql-runner-example, the
 * runner Floe's SQL jobs name by default): comments removed, one statement per `;` at the end of a line (an
 * `EXECUTE STATEMENT SET` block up to `END;`), `SET 'key' = 'value';` into the table configuration, every other
 * statement through `TableEnvironment.executeSql`, in streaming mode. Here the TableEnvironment runs in a local
 * MiniCluster; the runner prints `FLOE-JOB-RUNNING <id>` once a job is submitted and then waits for it.
 *
 * <p>Usage: {@code java floe.e2e.flink.SqlJobRunner <statements.sql>}.
 */
public final class SqlJobRunner {
    private static final Pattern COMMENTS = Pattern.compile("(--.*)|(((/\\*)+?[\\w\\W]+?(\\*/)+))");
    private static final Pattern SET = Pattern.compile("SET\\s+'(\\S+)'\\s+=\\s+'(.*)';", Pattern.CASE_INSENSITIVE);

    private SqlJobRunner() {
    }

    /** The script's statements, each with its trailing `;`. */
    static List<String> statements(String script) {
        String text = script.trim();
        if (!text.endsWith(";")) text += ";";
        text = COMMENTS.matcher(text + "\n").replaceAll("");
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean block = false;
        for (String raw : text.split("\n")) {
            String line = raw.trim();
            if (line.isEmpty()) continue;
            if (line.toUpperCase(Locale.ROOT).startsWith("EXECUTE STATEMENT SET")) block = true;
            current.append(line).append('\n');
            if (line.endsWith(";") && (!block || line.equalsIgnoreCase("END;"))) {
                out.add(current.toString());
                current.setLength(0);
                block = false;
            }
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) throw new IllegalArgumentException("usage: SqlJobRunner <statements.sql>");
        String script = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        TableEnvironment env = TableEnvironment.create(new Configuration());
        Optional<JobClient> job = Optional.empty();
        for (String statement : statements(script)) {
            Matcher set = SET.matcher(statement.trim());
            if (set.matches()) {
                env.getConfig().getConfiguration().setString(set.group(1), set.group(2));
                continue;
            }
            // As the operator's runner: the statement as parsed, its `;` included.
            TableResult result = env.executeSql(statement);
            if (result.getJobClient().isPresent()) {
                job = result.getJobClient();
                System.out.println("FLOE-JOB-RUNNING " + job.get().getJobID());
            }
        }
        if (job.isPresent()) job.get().getJobExecutionResult().get();
    }
}
