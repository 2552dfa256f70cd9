package lambert.toolkit.packaging;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The symbol versions a shared library needs from other libraries ({@code GLIBC_2.34} from
 * {@code libc.so.6}, {@code GLIBCXX_3.4.22} from {@code libstdc++.so.6}, ...), read from its ELF
 * version-needs table ({@code SHT_GNU_verneed}, {@code .gnu.version_r}) the way the dynamic loader
 * finds it: through the dynamic segment's {@code DT_VERNEED}, {@code DT_VERNEEDNUM} and
 * {@code DT_STRTAB}, so a library whose section headers were stripped reads the same. A loader that
 * lacks one of these versions refuses the library ({@code version `GLIBC_2.34' not found}).
 *
 * <p>64-bit little-endian ELF only (x86_64 and aarch64, Lambda's two architectures); every offset is
 * checked against the file's size, so a truncated or hostile file is refused with a message, never
 * read out of bounds.
 *
 * <pre>{@code
 * List<ElfVersionNeeds.Need> needs = ElfVersionNeeds.read(Path.of("native/libtokenizers.so"));
 * // [Need[file=libc.so.6, version=GLIBC_2.34], ...]
 * }</pre>
 */
public final class ElfVersionNeeds {
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final long DT_NULL = 0;
    private static final long DT_STRTAB = 5;
    private static final long DT_STRSZ = 10;
    private static final long DT_VERNEED = 0x6ffffffeL;
    private static final long DT_VERNEEDNUM = 0x6fffffffL;

    /**
     * One version needed from one library.
     *
     * @param file the library it is needed from, as the {@code DT_NEEDED} name ({@code libc.so.6})
     * @param version the version's name ({@code GLIBC_2.34})
     */
    public record Need(String file, String version) {}

    private final String name;
    private final ByteBuffer elf;

    private ElfVersionNeeds(String name, ByteBuffer elf) {
        this.name = name;
        this.elf = elf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The versions {@code library} needs, in the order the file lists them. */
    public static List<Need> read(Path library) throws IOException {
        try (FileChannel channel = FileChannel.open(library, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new IOException(library + " is " + channel.size() + " bytes, more than a shared library of "
                        + "Lambda's 250 MB package can be");
            }
            return new ElfVersionNeeds(library.getFileName().toString(),
                    channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size())).needs();
        }
    }

    /** The versions the library in {@code bytes} needs; {@code name} is used in error messages. */
    public static List<Need> read(String name, byte[] bytes) throws IOException {
        return new ElfVersionNeeds(name, ByteBuffer.wrap(bytes)).needs();
    }

    private List<Need> needs() throws IOException {
        if (elf.limit() < 64 || elf.getInt(0) != 0x464c457f) {
            throw new IOException(name + " is not an ELF file (no \\x7fELF header)");
        }
        if (elf.get(4) != 2 || elf.get(5) != 1) {
            throw new IOException(name + " is not a 64-bit little-endian ELF file (class " + elf.get(4) + ", data "
                    + elf.get(5) + "); Lambda's x86_64 and arm64 libraries are");
        }
        long phoff = u64(32, "e_phoff");
        int phentsize = u16(54);
        int phnum = u16(56);
        if (phnum > 0 && phentsize < 56) {
            throw new IOException(name + ": program header entries of " + phentsize + " bytes, expected 56");
        }
        List<long[]> loads = new ArrayList<>();
        long dynamicOffset = -1;
        long dynamicSize = 0;
        for (int i = 0; i < phnum; i++) {
            long at = phoff + (long) i * phentsize;
            int type = (int) u32(at, "p_type");
            if (type == PT_LOAD) {
                loads.add(new long[] {u64(at + 16, "p_vaddr"), u64(at + 32, "p_filesz"), u64(at + 8, "p_offset")});
            } else if (type == PT_DYNAMIC) {
                dynamicOffset = u64(at + 8, "p_offset");
                dynamicSize = u64(at + 32, "p_filesz");
            }
        }
        if (dynamicOffset < 0) {
            return List.of(); // statically linked: it needs nothing from the system's libraries
        }
        long strtab = -1;
        long strsz = -1;
        long verneed = -1;
        long verneednum = 0;
        for (long at = dynamicOffset; at + 16 <= dynamicOffset + dynamicSize; at += 16) {
            long tag = raw64(at, "d_tag");
            long value = raw64(at + 8, "d_val");
            if (tag == DT_NULL) {
                break;
            } else if (tag == DT_STRTAB) {
                strtab = value;
            } else if (tag == DT_STRSZ) {
                strsz = value;
            } else if (tag == DT_VERNEED) {
                verneed = value;
            } else if (tag == DT_VERNEEDNUM) {
                verneednum = value;
            }
        }
        if (verneed < 0 || verneednum == 0) {
            return List.of();
        }
        if (strtab < 0 || strsz < 0) {
            throw new IOException(name + ": DT_VERNEED without DT_STRTAB and DT_STRSZ in the dynamic section");
        }
        long strings = fileOffset(loads, strtab, "DT_STRTAB");
        long end = strings + strsz;
        if (strsz < 0 || end > elf.limit()) {
            throw new IOException(name + ": the string table (" + strsz + " bytes at offset " + strings
                    + ") runs past the end of the file (" + elf.limit() + " bytes)");
        }
        List<Need> needs = new ArrayList<>();
        long entry = fileOffset(loads, verneed, "DT_VERNEED");
        for (long n = 0; n < verneednum; n++) {
            int version = u16(entry);
            if (version != 1) {
                throw new IOException(name + ": version-needs entry " + n + " has vn_version " + version
                        + ", expected 1");
            }
            int count = u16(entry + 2);
            String file = string(strings, end, u32(entry + 4, "vn_file"));
            long aux = entry + u32(entry + 8, "vn_aux");
            for (int a = 0; a < count; a++) {
                needs.add(new Need(file, string(strings, end, u32(aux + 8, "vna_name"))));
                long next = u32(aux + 12, "vna_next");
                if (next == 0) {
                    break;
                }
                aux += next;
            }
            long next = u32(entry + 12, "vn_next");
            if (next == 0) {
                break;
            }
            entry += next;
        }
        return List.copyOf(needs);
    }

    /** The file offset of a virtual address, through the PT_LOAD segment that maps it. */
    private long fileOffset(List<long[]> loads, long address, String what) throws IOException {
        for (long[] load : loads) {
            if (address >= load[0] && address - load[0] < load[1]) {
                return load[2] + (address - load[0]);
            }
        }
        throw new IOException(name + ": " + what + " address 0x" + Long.toHexString(address)
                + " is in no loaded segment");
    }

    private String string(long table, long end, long offset) throws IOException {
        long start = table + offset;
        if (offset < 0 || start >= end) {
            throw new IOException(name + ": string offset " + offset + " is past the string table's end");
        }
        int at = (int) start;
        int stop = at;
        while (stop < end && elf.get(stop) != 0) {
            stop++;
        }
        if (stop >= end) {
            throw new IOException(name + ": a string at offset " + offset + " of the string table has no end");
        }
        byte[] bytes = new byte[stop - at];
        elf.get(at, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private void need(long offset, int bytes, String what) throws IOException {
        if (offset < 0 || offset > elf.limit() - bytes) {
            throw new IOException(name + " is truncated: " + what + " at offset " + offset + " is past the end of the "
                    + "file (" + elf.limit() + " bytes)");
        }
    }

    private int u16(long offset) throws IOException {
        need(offset, 2, "a 2-byte field");
        return Short.toUnsignedInt(elf.getShort((int) offset));
    }

    private long u32(long offset, String what) throws IOException {
        need(offset, 4, what);
        return Integer.toUnsignedLong(elf.getInt((int) offset));
    }

    private long raw64(long offset, String what) throws IOException {
        need(offset, 8, what);
        return elf.getLong((int) offset);
    }

    private long u64(long offset, String what) throws IOException {
        long value = raw64(offset, what);
        if (value < 0) {
            throw new IOException(name + ": " + what + " 0x" + Long.toHexString(value) + " is out of range");
        }
        return value;
    }
}
