package dev.sluice.connectors.files;

import java.io.IOException;
import java.io.OutputStream;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the records of one output file in a format. One instance per file, used by one thread; it
 * keeps what the file needs from one record to the next (a CSV file's columns), including across a
 * close and reopen of the file.
 */
interface RecordEncoder {
    /** Writes from now on to {@code out}: a new file, or the same file reopened at its end. */
    void attach(OutputStream out);

    void write(ObjectNode record) throws IOException;

    /** Pushes everything written so far to the stream given to {@link #attach}. */
    void flush() throws IOException;
}
