package lambert.toolkit.emulator;

import java.nio.file.Path;
import lambert.runtime.bundle.ModelBundle;
import lambert.runtime.testing.TestModels;
import lambert.toolkit.packaging.CpuArch;
import lambert.toolkit.packaging.Packager;
import org.junit.jupiter.api.BeforeAll;

/** {@link InitFaultContract} on the real model's managed-runtime package (java21, AWS's runtime interface client). */
class InitFaultsTest extends InitFaultContract {
    private Path zip;

    @BeforeAll
    void packageIt() throws Exception {
        zip = Packager.build(ModelBundle.open(TestModels.minilmInt8()), CpuArch.X86_64, dir.resolve("x86/function.zip"))
                .zip();
    }

    @Override
    Path zip() {
        return zip;
    }
}
