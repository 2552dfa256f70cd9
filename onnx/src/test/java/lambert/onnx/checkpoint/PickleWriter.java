package lambert.onnx.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Emits pickle opcodes by hand, as CPython's pickler does at protocol 2 (the protocol
 * {@code torch.save} uses). Globals are memoised and fetched again with {@code BINGET}, as
 * PyTorch's files do.
 */
final class PickleWriter {
    static final int MARK = '(';
    static final int STOP = '.';
    static final int BININT = 'J';
    static final int BININT1 = 'K';
    static final int BININT2 = 'M';
    static final int BINPERSID = 'Q';
    static final int REDUCE = 'R';
    static final int BINUNICODE = 'X';
    static final int BUILD = 'b';
    static final int GLOBAL = 'c';
    static final int EMPTY_DICT = '}';
    static final int BINGET = 'h';
    static final int LONG_BINGET = 'j';
    static final int BINPUT = 'q';
    static final int LONG_BINPUT = 'r';
    static final int SETITEM = 's';
    static final int TUPLE = 't';
    static final int EMPTY_TUPLE = ')';
    static final int SETITEMS = 'u';
    static final int PROTO = 0x80;
    static final int TUPLE1 = 0x85;
    static final int TUPLE2 = 0x86;
    static final int TUPLE3 = 0x87;
    static final int NEWTRUE = 0x88;
    static final int NEWFALSE = 0x89;
    static final int LONG1 = 0x8a;
    static final int SHORT_BINUNICODE = 0x8c;
    static final int STACK_GLOBAL = 0x93;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Integer> memo = new HashMap<>();

    PickleWriter proto(int version) {
        return op(PROTO).op(version);
    }

    PickleWriter op(int opcode) {
        out.write(opcode);
        return this;
    }

    /** {@code GLOBAL module\nname\n}, memoised: a second use is a {@code BINGET}. */
    PickleWriter global(String module, String name) {
        String key = module + "\n" + name + "\n";
        Integer index = memo.get(key);
        if (index != null) {
            return get(index);
        }
        op(GLOBAL);
        out.writeBytes(key.getBytes(StandardCharsets.UTF_8));
        return put(key);
    }

    /** {@code module} and {@code name} as strings, then {@code STACK_GLOBAL} (protocol 4). */
    PickleWriter stackGlobal(String module, String name) {
        return string(module).string(name).op(STACK_GLOBAL);
    }

    private PickleWriter put(String key) {
        int index = memo.size();
        memo.put(key, index);
        if (index < 256) {
            op(BINPUT).op(index);
        } else {
            op(LONG_BINPUT).int32(index);
        }
        return this;
    }

    private PickleWriter get(int index) {
        if (index < 256) {
            return op(BINGET).op(index);
        }
        return op(LONG_BINGET).int32(index);
    }

    PickleWriter string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        op(BINUNICODE).int32(utf8.length);
        out.writeBytes(utf8);
        return this;
    }

    /** The shortest of {@code BININT1}, {@code BININT2}, {@code BININT} and {@code LONG1}. */
    PickleWriter integer(long v) {
        if (v >= 0 && v < 256) {
            return op(BININT1).op((int) v);
        }
        if (v >= 0 && v < 65536) {
            return op(BININT2).op((int) (v & 0xff)).op((int) (v >>> 8));
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return op(BININT).int32((int) v);
        }
        byte[] le = new byte[8];
        for (int i = 0; i < 8; i++) {
            le[i] = (byte) (v >>> (8 * i));
        }
        int n = 8;
        while (n > 1 && ((le[n - 1] == 0 && le[n - 2] >= 0) || (le[n - 1] == -1 && le[n - 2] < 0))) {
            n--;
        }
        op(LONG1).op(n);
        out.write(le, 0, n);
        return this;
    }

    PickleWriter bool(boolean b) {
        return op(b ? NEWTRUE : NEWFALSE);
    }

    /** A tuple of whole numbers. */
    PickleWriter tuple(long[] values) {
        if (values.length == 0) {
            return op(EMPTY_TUPLE);
        }
        if (values.length > 3) {
            op(MARK);
        }
        for (long v : values) {
            integer(v);
        }
        switch (values.length) {
            case 1:
                return op(TUPLE1);
            case 2:
                return op(TUPLE2);
            case 3:
                return op(TUPLE3);
            default:
                return op(TUPLE);
        }
    }

    /** {@code collections.OrderedDict()}. */
    PickleWriter emptyOrderedDict() {
        return global("collections", "OrderedDict").op(EMPTY_TUPLE).op(REDUCE);
    }

    PickleWriter int32(int v) {
        out.write(v & 0xff);
        out.write((v >>> 8) & 0xff);
        out.write((v >>> 16) & 0xff);
        out.write((v >>> 24) & 0xff);
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
