package dev.sluice.connectors.files;

import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/** A file format of {@link FileSink}: its file name extension and how it writes records. */
interface FileFormat {
    /** The extension of output files, without the dot, such as {@code jsonl}. */
    String extension();

    /** A new encoder for one output file; {@code file} names it in error messages. */
    RecordEncoder newEncoder(String file);

    /**
     * Fails with {@code SINK_REJECTED} if a file of this format could not hold {@code record}, leaving
     * aside the fields {@code alsoAllowed}, which the sink handles itself. {@code file_per: partition}
     * calls it as each record is written, since a value's file is built only after the commit point,
     * when refusing a record is too late. {@code file} names the file in the message.
     */
    void check(ObjectNode record, Set<String> alsoAllowed, String file);

    /**
     * {@code record} (which it may change) as it goes into a file rebuilt from parts: without the
     * fields that the format's settings leave out. {@link #check} passed each record when it was
     * written; settings changed since then only choose what is shown.
     */
    ObjectNode fitted(ObjectNode record);
}
