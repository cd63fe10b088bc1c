-- Seed 004's tables on MariaDB or MySQL, with sample rows: customers in debt and their payments.
-- Run it with:  mariadb < examples/incident-processing/setup.sql   (or: mysql -u root < ...)
-- It drops and re-creates the database incident_db.
DROP DATABASE IF EXISTS incident_db;
CREATE DATABASE incident_db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE incident_db;

CREATE TABLE debt_cust_detail (
    cust_id          BIGINT        NOT NULL PRIMARY KEY,
    customer_name    VARCHAR(120)  NOT NULL,
    account_no       VARCHAR(32)   NOT NULL,
    arrears_amount   DECIMAL(14,2) NOT NULL,
    region           VARCHAR(40)   NOT NULL,
    created_dtm      DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
);

CREATE TABLE debt_payment (
    payment_id       BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    cust_id          BIGINT        NOT NULL,
    amount           DECIMAL(14,2) NOT NULL,
    channel          VARCHAR(20)   NOT NULL,
    paid_dtm         DATETIME(3)   NOT NULL,
    FOREIGN KEY (cust_id) REFERENCES debt_cust_detail (cust_id),
    INDEX debt_payment_paid (paid_dtm)
);

-- Times are UTC (the pipeline reads DATETIME columns in timezone: UTC).
INSERT INTO debt_cust_detail (cust_id, customer_name, account_no, arrears_amount, region, created_dtm) VALUES
    (1001, 'Northwind Traders', 'AC-1001', 1250.00, 'north', '2025-02-01 09:00:00'),
    (1002, 'Contoso Foods',     'AC-1002',  310.55, 'south', '2025-02-03 10:30:00'),
    (1003, 'Fabrikam Metals',   'AC-1003', 9800.10, 'east',  '2025-02-05 14:15:00');

INSERT INTO debt_payment (cust_id, amount, channel, paid_dtm) VALUES
    (1001,  250.00, 'card',     '2025-02-12 08:00:00'),
    (1001,  100.00, 'transfer', '2025-03-01 12:00:00'),
    (1002,  310.55, 'card',     '2025-03-15 16:45:00'),
    (1003, 1000.00, 'transfer', '2025-04-01 09:30:00');
