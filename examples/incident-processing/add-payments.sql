-- Two new payments stamped now (UTC). The pipeline reads up to one minute ago (lag: 1m), so a run
-- started within the next minute leaves them for later: wait a minute, then run again.
USE incident_db;
INSERT INTO debt_payment (cust_id, amount, channel, paid_dtm) VALUES
    (1002,  50.00, 'card',     UTC_TIMESTAMP(3)),
    (1003, 400.00, 'transfer', UTC_TIMESTAMP(3));
