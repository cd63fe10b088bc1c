package dev.sluice.connectors.files;

import dev.sluice.core.ErrorCode;
import dev.sluice.core.SluiceException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** JSON Lines: each record as one compact JSON object in UTF-8, followed by {@code \n}. */
final class JsonlFormat implements FileFormat {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public String extension() {
        return "jsonl";
    }

    /** Any JSON object fits: nothing to check. */
    @Override
    public void check(ObjectNode record, Set<String> alsoAllowed, String file) {
    }

    /** Every field is kept. */
    @Override
    public ObjectNode fitted(ObjectNode record) {
        return record;
    }

    @Override
    public RecordEncoder newEncoder(String file) {
        return new RecordEncoder() {
            private OutputStream out;

            @Override
            public void attach(OutputStream stream) {
                out = new BufferedOutputStream(stream, 1 << 16);
            }

            @Override
            public void write(ObjectNode record) throws IOException {
                byte[] line;
                try {
                    line = JSON.writeValueAsBytes(record);
                } catch (JacksonException e) {
                    throw new SluiceException(ErrorCode.SINK_REJECTED, "jsonl sink: a record for " + file
                            + " cannot be written as JSON (" + e.getOriginalMessage() + "); fix or drop it with a step", e);
                }
                out.write(line);
                out.write('\n');
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }
        };
    }
}
