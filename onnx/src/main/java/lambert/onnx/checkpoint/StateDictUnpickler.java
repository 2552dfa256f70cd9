package lambert.onnx.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Unpickles a PyTorch {@code data.pkl} that holds a state dict, and nothing else. Every global the
 * pickle names is looked up in {@link #ALLOWED}; any other one ({@code os.system},
 * {@code builtins.eval}, {@code torch.nn.Module}...) stops the load with an error naming it, before
 * anything is constructed. razorvine's own constructor registry is never consulted: the opcodes that
 * reach it ({@code GLOBAL}, {@code STACK_GLOBAL}, {@code INST}) are intercepted here, and the
 * protocol-0 text opcodes PyTorch never writes are refused. Lengths in the pickle are checked
 * against the bytes left before anything is allocated.
 *
 * <p>Tensors come out as {@link TensorRef}s (storage key, offset, shape, stride); their data is
 * read from the zip afterwards. An unpickler is used for one load.
 */
final class StateDictUnpickler extends Unpickler {
    /** The torch storage classes and the element type of each ({@code null}: known, not supported). */
    private static final Map<String, DType> STORAGES = storages();
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");

    /** The globals a state dict needs; nothing else is ever resolved. */
    static final List<String> ALLOWED = allowed();

    private final String what;
    private ByteArrayInputStream bytes;

    StateDictUnpickler(String what) {
        this.what = what;
    }

    private static Map<String, DType> storages() {
        Map<String, DType> m = new TreeMap<>();
        m.put("FloatStorage", DType.F32);
        m.put("DoubleStorage", DType.F64);
        m.put("HalfStorage", DType.F16);
        m.put("BFloat16Storage", DType.BF16);
        m.put("LongStorage", DType.I64);
        m.put("IntStorage", DType.I32);
        m.put("ShortStorage", DType.I16);
        m.put("CharStorage", DType.I8);
        m.put("ByteStorage", DType.U8);
        m.put("BoolStorage", DType.BOOL);
        for (String unsupported : List.of("ComplexFloatStorage", "ComplexDoubleStorage", "QInt8Storage",
                "QUInt8Storage", "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage")) {
            m.put(unsupported, null);
        }
        return Collections.unmodifiableMap(m);
    }

    private static List<String> allowed() {
        List<String> names = new ArrayList<>(List.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
                "torch._utils._rebuild_parameter"));
        for (String storage : STORAGES.keySet()) {
            names.add("torch." + storage);
        }
        return Collections.unmodifiableList(names);
    }

    /** A torch storage class named by the pickle: only ever a marker inside a persistent id. */
    record StorageType(String global, DType dtype) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new Refused(global + " is called in the pickle; a state dict only names it in a storage reference");
        }
    }

    /** {@code ('storage', type, key, location, numel)}: one {@code data/<key>} entry of the zip. */
    record StorageRef(StorageType type, String key, long numel) {}

    /** A tensor as {@code _rebuild_tensor_v2} describes it: a view of a storage. */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {}

    /** What the pickle did that lambert refuses; becomes a {@link CheckpointException}. */
    static final class Refused extends PickleException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** Unpickles {@code pickle}; the result is the pickle's top-level object. */
    Object loadChecked(byte[] pickle) throws CheckpointException {
        bytes = new ByteArrayInputStream(pickle);
        try {
            return load(bytes);
        } catch (Refused e) {
            throw new CheckpointException(what + ": " + e.getMessage());
        } catch (IOException e) {
            throw new CheckpointException(what + ": malformed pickle: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // razorvine's opcodes cast and index what is on the stack: a malformed pickle ends here.
            throw new CheckpointException(what + ": malformed pickle (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        } finally {
            close();
        }
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        switch (key) {
            case Opcodes.GLOBAL: {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.STACK_GLOBAL: {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String) || !(name instanceof String)) {
                    throw new Refused("STACK_GLOBAL expects two strings (module, name), found " + module + ", " + name);
                }
                stack.add(resolve((String) module, (String) name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.INST:
            case Opcodes.OBJ:
            case Opcodes.PERSID:
            case Opcodes.INT:
            case Opcodes.LONG:
            case Opcodes.FLOAT:
            case Opcodes.STRING:
            case Opcodes.UNICODE:
            case Opcodes.GET:
            case Opcodes.PUT:
            case Opcodes.EXT1:
            case Opcodes.EXT2:
            case Opcodes.EXT4:
            case Opcodes.BYTEARRAY8:
            case Opcodes.NEXT_BUFFER:
            case Opcodes.READONLY_BUFFER:
            case Opcodes.EMPTY_SET:
            case Opcodes.ADDITEMS:
            case Opcodes.FROZENSET:
                throw new Refused("the pickle uses opcode 0x" + Integer.toHexString(key)
                        + ", which PyTorch does not write in a state dict");
            case Opcodes.BUILD: {
                stack.pop();
                Object target = stack.peek();
                if (!(target instanceof Map)) {
                    throw new Refused("the pickle sets the state of " + describe(target) + "; only an OrderedDict's is accepted");
                }
                // An OrderedDict's state is its _metadata (module versions): not needed.
                return NO_RETURN_VALUE;
            }
            case Opcodes.EMPTY_DICT:
                stack.add(new LinkedHashMap<>());
                return NO_RETURN_VALUE;
            case Opcodes.DICT: {
                List<Object> items = stack.pop_all_since_marker();
                stack.add(putAll(new LinkedHashMap<>(), items));
                return NO_RETURN_VALUE;
            }
            case Opcodes.SETITEM: {
                Object value = stack.pop();
                Object k = stack.pop();
                putAll(targetMap(), List.of(k, value));
                return NO_RETURN_VALUE;
            }
            case Opcodes.SETITEMS: {
                List<Object> items = stack.pop_all_since_marker();
                putAll(targetMap(), items);
                return NO_RETURN_VALUE;
            }
            case Opcodes.BINSTRING:
                stack.add(PickleUtils.rawStringFromBytes(sized(int32())));
                return NO_RETURN_VALUE;
            case Opcodes.BINBYTES:
                stack.add(sized(int32()));
                return NO_RETURN_VALUE;
            case Opcodes.BINUNICODE:
                stack.add(new String(sized(int32()), StandardCharsets.UTF_8));
                return NO_RETURN_VALUE;
            case Opcodes.BINUNICODE8:
                stack.add(new String(sized(int64()), StandardCharsets.UTF_8));
                return NO_RETURN_VALUE;
            case Opcodes.BINBYTES8:
                stack.add(sized(int64()));
                return NO_RETURN_VALUE;
            case Opcodes.LONG4:
                stack.add(PickleUtils.decode_long(sized(int32())));
                return NO_RETURN_VALUE;
            default:
                return super.dispatch(key);
        }
    }

    private long int32() throws IOException {
        return PickleUtils.bytes_to_integer(PickleUtils.readbytes(input, 4));
    }

    private long int64() throws IOException {
        return PickleUtils.bytes_to_long(PickleUtils.readbytes(input, 8), 0);
    }

    /** Reads {@code length} bytes, refusing a length beyond what is left of the pickle. */
    private byte[] sized(long length) throws IOException {
        if (length < 0 || length > bytes.available()) {
            throw new Refused("the pickle declares a " + length + "-byte value, but only " + bytes.available()
                    + " bytes are left");
        }
        return PickleUtils.readbytes(input, (int) length);
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> targetMap() {
        Object target = stack.peek();
        if (!(target instanceof Map)) {
            throw new Refused("the pickle sets items on " + describe(target) + ", which is not a dict");
        }
        return (Map<Object, Object>) target;
    }

    private static Map<Object, Object> putAll(Map<Object, Object> map, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw new Refused("the pickle gives a dict an odd number of keys and values");
        }
        for (int i = 0; i < items.size(); i += 2) {
            Object k = items.get(i);
            if (!(k instanceof String) && !(k instanceof Number)) {
                throw new Refused("the pickle uses " + describe(k) + " as a dict key");
            }
            map.put(k, items.get(i + 1));
        }
        return map;
    }

    private Object resolve(String module, String name) {
        String global = module + "." + name;
        switch (global) {
            case "collections.OrderedDict":
                return (IObjectConstructor) args -> {
                    if (args.length != 0) {
                        throw new Refused("collections.OrderedDict is given arguments; a state dict builds it empty");
                    }
                    return new LinkedHashMap<>();
                };
            case "torch._utils._rebuild_tensor_v2":
                return (IObjectConstructor) StateDictUnpickler::rebuildTensor;
            case "torch._utils._rebuild_parameter":
                return (IObjectConstructor) args -> {
                    if (args.length < 1 || !(args[0] instanceof TensorRef)) {
                        throw new Refused("torch._utils._rebuild_parameter expects a tensor first");
                    }
                    return args[0];
                };
            default:
                if (module.equals("torch") && STORAGES.containsKey(name)) {
                    return new StorageType(global, STORAGES.get(name));
                }
                throw new Refused("the pickle names the global " + printable(global)
                        + ", which a state dict does not need; refused without running or constructing it"
                        + " (allowed: collections.OrderedDict, torch._utils._rebuild_tensor_v2,"
                        + " torch._utils._rebuild_parameter and the torch storage types)");
        }
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])}. */
    private static Object rebuildTensor(Object[] args) {
        if (args.length != 6 && args.length != 7) {
            throw new Refused("torch._utils._rebuild_tensor_v2 expects 6 or 7 arguments, found " + args.length);
        }
        if (!(args[0] instanceof StorageRef)) {
            throw new Refused("torch._utils._rebuild_tensor_v2 expects a storage first, found " + describe(args[0]));
        }
        long offset = whole(args[1], "storage offset");
        long[] shape = wholes(args[2], "size");
        long[] stride = wholes(args[3], "stride");
        if (shape.length != stride.length) {
            throw new Refused("a tensor has " + shape.length + " dimensions but " + stride.length + " strides");
        }
        return new TensorRef((StorageRef) args[0], offset, shape, stride);
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[]) || ((Object[]) pid).length != 5 || !"storage".equals(((Object[]) pid)[0])) {
            throw new Refused("a persistent id should be ('storage', type, key, location, numel), found " + describe(pid));
        }
        Object[] p = (Object[]) pid;
        if (!(p[1] instanceof StorageType)) {
            throw new Refused("a storage reference names " + describe(p[1]) + " where a torch storage type belongs");
        }
        if (!(p[2] instanceof String) || !STORAGE_KEY.matcher((String) p[2]).matches()) {
            throw new Refused("a storage key should be letters, digits or _, found " + describe(p[2]));
        }
        return new StorageRef((StorageType) p[1], (String) p[2], whole(p[4], "storage size"));
    }

    private static long whole(Object value, String what) {
        if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() >= 0) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger) {
            throw new Refused("a tensor's " + what + " is " + value + ", too large to be real");
        }
        throw new Refused("a tensor's " + what + " should be a whole number of at least 0, found " + describe(value));
    }

    private static long[] wholes(Object value, String what) {
        if (!(value instanceof Object[])) {
            throw new Refused("a tensor's " + what + " should be a tuple, found " + describe(value));
        }
        Object[] items = (Object[]) value;
        long[] out = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = whole(items[i], what);
        }
        return out;
    }

    static String describe(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof String) {
            return "'" + printable((String) value) + "'";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Object[]) {
            return "a tuple of " + ((Object[]) value).length;
        }
        if (value instanceof Map) {
            return "a dict";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof TensorRef) {
            return "a tensor";
        }
        if (value instanceof StorageType) {
            return ((StorageType) value).global();
        }
        return "a " + value.getClass().getSimpleName();
    }

    /** At most 200 characters, control characters escaped: names from the file go into messages. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > 200 ? b + "..." : b.toString();
    }
}
