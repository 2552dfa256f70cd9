package lambert.toolkit.emulator;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/** {@link InitFaultContract} on the real model's {@code provided.al2023} package (lambert's JDK image and loop). */
class CustomRuntimeInitFaultsTest extends InitFaultContract {
    private Path zip;

    @BeforeAll
    void packageIt() throws Exception {
        zip = CustomRuntimePackages.minilmInt8().zip();
    }

    @Override
    Path zip() {
        return zip;
    }
}
