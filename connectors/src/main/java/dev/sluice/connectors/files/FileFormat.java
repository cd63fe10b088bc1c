package dev.sluice.connectors.files;

/** A file format of {@link FileSink}: its file name extension and how it writes records. */
interface FileFormat {
    /** The extension of output files, without the dot, such as {@code jsonl}. */
    String extension();

    /** A new encoder for one output file; {@code file} names it in error messages. */
    RecordEncoder newEncoder(String file);
}
