package lambert.toolkit.tune;

import java.util.List;
import lambert.toolkit.emulator.Report;

/**
 * Where a {@code lambert tune} sweep runs: the emulator on this machine, or a deployed function.
 * Closing it puts back whatever the sweep changed (a deployed function's original memory size),
 * also after a failure.
 */
public interface TuneTarget extends AutoCloseable {
    /** Short description for the output ("emulator, package function.zip", "function my-fn:live"). */
    String describe();

    /**
     * Sets the memory size, runs {@code warmup} invocations whose figures are dropped, then
     * {@code invocations} more, and returns their figures in order. The first report of a fresh
     * environment carries the init duration.
     */
    List<Report> run(int memoryMb, int warmup, int invocations, byte[] event) throws Exception;

    @Override
    void close() throws Exception;
}
