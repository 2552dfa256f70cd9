package lambert.toolkit.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ElfVersionNeeds} against independent references: binutils' {@code readelf -V} (which reads the
 * section headers, where the reader follows the dynamic segment) on the real native libraries the
 * package ships, and a tiny library built here with gcc and a version script, whose needs are known
 * by construction. Hostile bytes are refused with a message, never read out of bounds.
 */
class ElfVersionNeedsTest {
    @TempDir
    Path dir;

    @Test
    void read_realLibrariesOfBothArchitecturesListWhatReadelfLists() throws Exception {
        assumeTrue(Readelf.onPath("readelf"), "binutils' readelf is not installed: nothing independent to compare with");
        int compared = 0;
        for (CpuArch arch : CpuArch.values()) {
            for (Map.Entry<String, byte[]> lib : natives(arch).entrySet()) {
                Path file = Files.write(dir.resolve(arch.lambdaName() + "-" + lib.getKey()), lib.getValue());
                List<ElfVersionNeeds.Need> fromReadelf = Readelf.needs(file);
                assertThat(fromReadelf).as(file + " per readelf").isNotEmpty();
                assertThat(ElfVersionNeeds.read(file)).as(file.toString()).containsExactlyElementsOf(fromReadelf);
                assertThat(ElfVersionNeeds.read(lib.getKey(), lib.getValue())).containsExactlyElementsOf(fromReadelf);
                compared++;
            }
        }
        assertThat(compared).as("libraries compared").isEqualTo(6);
    }

    @Test
    void requirement_realX8664LibrariesNeedWhatReadelfShowed() throws Exception {
        // Checked by hand with `readelf -V -W` on the jars' linux-x64 / linux-x86_64 libraries
        // (onnxruntime 1.24.2, DJL tokenizers 0.38.0): the highest GLIBC_ and GLIBCXX_ of each.
        Map<String, String[]> expected = Map.of(
                "native/libonnxruntime.so", new String[] {"2.27", "3.4.22"},
                "native/libonnxruntime4j_jni.so", new String[] {"2.26", null},
                "native/libtokenizers.so", new String[] {"2.34", "3.4"});
        List<NativeRequirement> reqs = Packager.nativeRequirements(FunctionJars.locate(), CpuArch.X86_64);
        assertThat(reqs).extracting(NativeRequirement::file).containsExactly("native/libonnxruntime.so",
                "native/libonnxruntime4j_jni.so", "native/libtokenizers.so");
        for (NativeRequirement r : reqs) {
            String[] want = expected.get(r.file());
            assertThat(String.valueOf(r.glibc())).as(r.file() + " glibc").isEqualTo(want[0]);
            assertThat(r.glibcxx() == null ? null : r.glibcxx().toString()).as(r.file() + " glibcxx")
                    .isEqualTo(want[1]);
        }
        // the tokenizer is the library that needs Amazon Linux 2023 on both architectures
        assertThat(Packager.nativeRequirements(FunctionJars.locate(), CpuArch.ARM64))
                .filteredOn(r -> r.file().equals("native/libtokenizers.so"))
                .extracting(r -> r.glibc().toString()).containsExactly("2.34");
    }

    @Test
    void read_tinyLibraryBuiltWithGccNeedsTheVersionsItWasLinkedAgainst() throws Exception {
        Path user = buildTinyLibraries();
        List<ElfVersionNeeds.Need> needs = ElfVersionNeeds.read(user);
        assertThat(needs).filteredOn(n -> n.file().equals("libfake.so")).extracting(ElfVersionNeeds.Need::version)
                .containsExactlyInAnyOrder("GLIBC_2.9", "GLIBC_2.40", "GLIBCXX_3.4.30");
        if (Readelf.onPath("readelf")) {
            assertThat(needs).containsExactlyElementsOf(Readelf.needs(user));
        }
        // 2.40 is newer than 2.9: numbers compare as numbers, not as text
        NativeRequirement req = NativeRequirement.of("native/libuser.so", needs);
        assertThat(req.glibc()).hasToString("2.40");
        assertThat(req.glibcxx()).hasToString("3.4.30");
        assertThat(req.missingOn(AmazonLinux.AL2023)).containsExactly("GLIBC_2.40", "GLIBCXX_3.4.30");
        assertThatThrownBy(() -> LambdaRuntime.check("java21", List.of(req)))
                .isInstanceOf(UnsupportedRuntimeException.class)
                .hasMessage("java21 runs on Amazon Linux 2023 (glibc 2.34, GLIBCXX_3.4.29), where the native libraries "
                        + "cannot load: native/libuser.so needs GLIBC_2.40 and GLIBCXX_3.4.30; no Lambda runtime can "
                        + "load them: the newest OS is Amazon Linux 2023 (glibc 2.34, GLIBCXX_3.4.29)");
    }

    @Test
    void read_libraryWithoutSectionHeadersReadsTheSameThroughTheDynamicSegment() throws Exception {
        Path user = buildTinyLibraries();
        byte[] bytes = Files.readAllBytes(user);
        List<ElfVersionNeeds.Need> before = ElfVersionNeeds.read("libuser.so", bytes);
        ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int sectionHeaders = (int) header.getLong(40); // e_shoff: the section headers sit at the end of the file
        Arrays.fill(bytes, sectionHeaders, bytes.length, (byte) 0xA5);
        header.putLong(40, 0); // e_shoff
        header.putShort(60, (short) 0); // e_shnum
        header.putShort(62, (short) 0); // e_shstrndx
        assertThat(ElfVersionNeeds.read("libuser.so", bytes)).isNotEmpty().containsExactlyElementsOf(before);
    }

    @Test
    void read_notElfThirtyTwoBitAndTruncatedFilesAreRefusedByName() throws Exception {
        byte[] text = ("not a library at all, just text, long enough to pass the header size check of sixty-four "
                + "bytes").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ElfVersionNeeds.read("native/x.so", text))
                .isInstanceOf(IOException.class).hasMessage("native/x.so is not an ELF file (no \\x7fELF header)");
        byte[] lib = natives(CpuArch.X86_64).get("libonnxruntime4j_jni.so");
        byte[] elf32 = lib.clone();
        elf32[4] = 1;
        assertThatThrownBy(() -> ElfVersionNeeds.read("native/32.so", elf32)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("native/32.so is not a 64-bit little-endian ELF file (class 1, data 1)");
        byte[] bigEndian = lib.clone();
        bigEndian[5] = 2;
        assertThatThrownBy(() -> ElfVersionNeeds.read("native/be.so", bigEndian)).isInstanceOf(IOException.class)
                .hasMessageContaining("(class 2, data 2)");
        assertThatThrownBy(() -> ElfVersionNeeds.read("native/cut.so", Arrays.copyOf(lib, 300)))
                .isInstanceOf(IOException.class).hasMessageStartingWith("native/cut.so is truncated:");
        assertThatThrownBy(() -> ElfVersionNeeds.read("native/tiny.so", new byte[] {0x7f, 'E', 'L', 'F'}))
                .isInstanceOf(IOException.class).hasMessageContaining("not an ELF file");
    }

    @Test
    void read_randomlyDamagedLibrariesAnswerOrRefuseButNeverReadOutOfBounds() throws Exception {
        byte[] lib = natives(CpuArch.X86_64).get("libonnxruntime4j_jni.so");
        // the headers, the dynamic segment and the version tables all sit in the first pages
        int span = Math.min(lib.length, 64 * 1024);
        Random random = new Random(14);
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] damaged = lib.clone();
            for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
                damaged[random.nextInt(span)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                damaged = Arrays.copyOf(damaged, random.nextInt(damaged.length));
            }
            try {
                ElfVersionNeeds.read("damaged.so", damaged);
            } catch (IOException e) {
                assertThat(e.getMessage()).startsWith("damaged.so");
                refused++;
            }
        }
        assertThat(refused).as("damaged copies refused with a message").isPositive();
    }

    // ---------------------------------------------------------------------------------------------

    /** The native libraries the packager takes out of the jars for {@code arch}, by file name. */
    static Map<String, byte[]> natives(CpuArch arch) throws IOException {
        Map<String, byte[]> libs = new LinkedHashMap<>();
        for (Map.Entry<String, Path> jar : FunctionJars.locate().entrySet()) {
            for (String[] lib : JarRules.natives(jar.getKey(), arch)) {
                libs.put(lib[1], ZipWriter.read(jar.getValue(), lib[0]));
            }
        }
        return libs;
    }

    /**
     * libfake.so defines GLIBC_2.9, GLIBC_2.40 and GLIBCXX_3.4.30 through a version script (numbers
     * chosen so that text order and number order differ); libuser.so calls one symbol of each, so its
     * version needs from libfake.so are exactly those three.
     */
    private Path buildTinyLibraries() throws Exception {
        assumeTrue(Readelf.onPath("gcc"), "gcc is not installed: the tiny library cannot be built");
        Files.writeString(dir.resolve("fake.c"), "int old_one(void){return 1;}\nint new_one(void){return 2;}\n"
                + "int cxx_one(void){return 3;}\n");
        Files.writeString(dir.resolve("fake.map"), "GLIBC_2.9 { global: old_one; local: *; };\n"
                + "GLIBC_2.40 { global: new_one; } GLIBC_2.9;\nGLIBCXX_3.4.30 { global: cxx_one; } GLIBC_2.40;\n");
        Files.writeString(dir.resolve("user.c"), "extern int old_one(void); extern int new_one(void);\n"
                + "extern int cxx_one(void);\nint user(void){return old_one() + new_one() + cxx_one();}\n");
        exec("gcc", "-shared", "-fPIC", "-nostdlib", "-o", "libfake.so", "fake.c", "-Wl,--version-script=fake.map");
        exec("gcc", "-shared", "-fPIC", "-nostdlib", "-o", "libuser.so", "user.c", "-L.", "-lfake");
        return dir.resolve("libuser.so");
    }

    private void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
