-- Alerts raised by the monitoring sensors (failed runs, blocked publications), and where they were sent.
CREATE TABLE alerts (
    alert_id VARCHAR PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    kind VARCHAR NOT NULL,           -- run_failure | publication_blocked
    severity VARCHAR NOT NULL,       -- error | warning
    run_id VARCHAR,
    job_name VARCHAR,
    subject VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    details JSON,
    deliveries JSON                  -- channel -> "sent" or the error that stopped it
);
