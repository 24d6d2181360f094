package partychain.neo4j;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.graphdb.Transaction;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Neo4j Community with a Bolt connector on a loopback port, for partychain without Docker.
 *
 * <pre>
 * PARTYCHAIN_NEO4J_PASSWORD=... java -Xmx2g -cp CLASSPATH partychain.neo4j.PartychainNeo4j \
 *     --data DIR [--host 127.0.0.1] [--port 7687] [--tx-timeout 60s] [--pagecache 512m] [--exit-with PID]
 * </pre>
 *
 * The data directory is Neo4j's home (databases, transaction logs, logs, the written settings
 * file {@code partychain-neo4j.conf}): a restart on the same directory serves the same graph.
 * Authentication is on; the password of the {@code neo4j} user is set from the environment at
 * every start. Schema statements left in {@code partychain-schema.cypher} by an offline import
 * (the model's uniqueness constraints) run once, before the server says it is ready.
 * Prints {@code partychain-neo4j: ready at bolt://HOST:PORT} once Bolt answers
 * (port 0 picks a free one), stops cleanly on SIGTERM or SIGINT (exit 0). Exit 2: bad
 * arguments, no password, or the port already in use. {@code --exit-with PID}: stop cleanly when
 * that process ends (a test session that dies does not leave its server behind).
 */
public final class PartychainNeo4j {
    static final String PASSWORD_ENV = "PARTYCHAIN_NEO4J_PASSWORD";
    static final String PREFIX = "partychain-neo4j: ";
    /** Schema statements to run once at the next start (written by {@code partychain neo4j import}). */
    static final String SCHEMA_FILE = "partychain-schema.cypher";

    private PartychainNeo4j() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>(Map.of(
                "host", "127.0.0.1", "port", "7687", "tx-timeout", "60s", "pagecache", "512m"));
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                fail("usage: --data DIR [--host H] [--port N] [--tx-timeout 60s] [--pagecache 512m]; bad: " + a);
            }
            opts.put(a.substring(2), args[++i]);
        }
        List<String> known = List.of("data", "host", "port", "tx-timeout", "pagecache", "exit-with");
        for (String k : opts.keySet()) {
            if (!known.contains(k)) {
                fail("unknown option --" + k + " (known: --" + String.join(", --", known) + ")");
            }
        }
        if (!opts.containsKey("data")) {
            fail("--data DIR is required (Neo4j's home: databases, transaction logs, logs)");
        }
        String password = System.getenv(PASSWORD_ENV);
        if (password == null || password.length() < 8) {
            fail("set " + PASSWORD_ENV + " to a password of at least 8 characters (Neo4j's minimum)");
        }
        String host = opts.get("host");
        int port = Integer.parseInt(opts.get("port"));
        if (port != 0 && !free(host, port)) {
            fail("port " + port + " on " + host + " is already in use: stop what listens there or pass another --port");
        }

        Path home = Path.of(opts.get("data")).toAbsolutePath();
        Files.createDirectories(home);
        Path conf = home.resolve("partychain-neo4j.conf");
        Files.writeString(conf, String.join("\n",
                "# written by partychain.neo4j.PartychainNeo4j at every start; edits are overwritten",
                "server.default_listen_address=" + host,
                "server.bolt.enabled=true",
                "server.bolt.listen_address=" + host + ":" + port,
                "server.bolt.advertised_address=" + host + ":" + port,
                "dbms.security.auth_enabled=true",
                // researcher Cypher must not read the server's files (as in docker-compose.yml)
                "dbms.security.allow_csv_import_from_file_urls=false",
                "db.transaction.timeout=" + opts.get("tx-timeout"),
                "server.memory.pagecache.size=" + opts.get("pagecache"),
                // transactions past 70 % of the heap fail (MemoryPoolOutOfMemoryError, rolled back)
                // instead of taking the server down with an OutOfMemoryError
                "db.memory.transaction.total.max=" + (Runtime.getRuntime().maxMemory() * 7 / 10),
                // every load rewrites the graph: keep the transaction logs short
                "db.tx_log.rotation.retention_policy=2 files",
                "db.tx_log.rotation.size=64M",
                ""), StandardCharsets.UTF_8);

        DatabaseManagementService dbms;
        try {
            dbms = new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
        } catch (RuntimeException e) {
            if (bindFailure(e)) {
                fail("port " + port + " on " + host + " is already in use: stop what listens there or pass another --port");
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(PREFIX + "stopping");
            dbms.shutdown();
            System.out.println(PREFIX + "stopped");
            System.out.flush();
            stopped.countDown();
        }));
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> System.exit(0));
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> System.exit(0));
        if (opts.containsKey("exit-with")) {
            ProcessHandle.of(Long.parseLong(opts.get("exit-with"))).ifPresentOrElse(
                    p -> p.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
        }

        String version;
        int bolt;
        try {
            // The password from the environment, every start (the embedded API runs unauthenticated).
            // Own time limit: the first compilation of a query can outlast a short --tx-timeout.
            try (Transaction tx = dbms.database("system").beginTx(5, TimeUnit.MINUTES)) {
                tx.execute("ALTER USER neo4j SET PLAINTEXT PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
                tx.commit();
            } catch (QueryExecutionException e) {
                if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                    throw e;  // else: the password is already the one asked for
                }
            }
            GraphDatabaseAPI db = (GraphDatabaseAPI) dbms.database("neo4j");
            int created = applyPendingSchema(db, home.resolve(SCHEMA_FILE));
            if (created > 0) {
                System.out.println(PREFIX + "ran " + created + " schema statements from " + SCHEMA_FILE);
            }
            bolt = db.getDependencyResolver().resolveDependency(ConnectorPortRegister.class)
                    .getLocalAddress(ConnectorType.BOLT).getPort();
            try (Transaction tx = db.beginTx(5, TimeUnit.MINUTES)) {
                version = (String) tx.execute("CALL dbms.components() YIELD versions, edition "
                        + "RETURN versions[0] + ' ' + edition AS v").next().get("v");
            }
        } catch (RuntimeException e) {
            System.err.println(PREFIX + "could not start: " + e);
            System.exit(1);  // the shutdown hook stops the database
            return;
        }
        System.out.println(PREFIX + "Neo4j " + version + " on " + home);
        System.out.println(PREFIX + "ready at bolt://" + host + ":" + bolt);
        System.out.flush();
        stopped.await();
    }

    /**
     * Runs the statements of {@code file} (left by {@code partychain neo4j import}: the model's
     * uniqueness constraints, which Neo4j's importer cannot create for the record format, and the
     * empty lists it cannot write), each in its own transaction, waits for the indexes, and
     * renames the file {@code *.applied}.
     * Returns how many statements ran (0 when there is no such file).
     */
    private static int applyPendingSchema(GraphDatabaseAPI db, Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        int n = 0;
        StringBuilder text = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.strip().startsWith("//")) {
                text.append(line).append('\n');
            }
        }
        for (String statement : text.toString().split(";")) {
            if (statement.isBlank()) {
                continue;
            }
            // an implicit transaction each, as cypher-shell would run them: CALL { ... } IN TRANSACTIONS works
            db.executeTransactionally(statement.strip());
            n++;
        }
        db.executeTransactionally("CALL db.awaitIndexes(7200)");
        Files.move(file, file.resolveSibling(file.getFileName() + ".applied"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return n;
    }

    private static boolean free(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException
                    || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static void fail(String message) {
        System.err.println(PREFIX + message);
        System.exit(2);
    }
}
