-- Two new payments stamped now (UTC), for the second run of the example to pick up once a minute has passed.
USE incident_db;
INSERT INTO debt_payment (cust_id, amount, channel, paid_dtm) VALUES
    (1002,  50.00, 'card',     UTC_TIMESTAMP(3) - INTERVAL 2 MINUTE),
    (1003, 400.00, 'transfer', UTC_TIMESTAMP(3) - INTERVAL 2 MINUTE);
