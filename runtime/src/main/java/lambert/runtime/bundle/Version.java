package lambert.runtime.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The lambert version, as Maven stamped it into the runtime jar. */
public final class Version {
    /** This build's version, e.g. {@code 0.1.0}. */
    public static final String CURRENT = read();

    private Version() {}

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("/lambert/runtime/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
