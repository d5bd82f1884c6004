package dev.flashgate.history.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** The journal's tables, in SQL that H2 and PostgreSQL both take. */
final class Schema {

    private Schema() {
    }

    static void create(Connection c) throws SQLException {
        JdbcJournal.execute(c, """
                CREATE TABLE IF NOT EXISTS fg_session (
                  id VARCHAR(64) PRIMARY KEY,
                  started TIMESTAMP WITH TIME ZONE NOT NULL,
                  ended TIMESTAMP WITH TIME ZONE,
                  station VARCHAR(255),
                  package_path VARCHAR(4096),
                  vendor VARCHAR(255),
                  version VARCHAR(255),
                  version_code BIGINT,
                  security_version BIGINT,
                  plugin VARCHAR(255),
                  device_id VARCHAR(255),
                  imei VARCHAR(32),
                  model VARCHAR(255),
                  revision_before VARCHAR(255),
                  session_state VARCHAR(32) NOT NULL,
                  last_active VARCHAR(32),
                  code VARCHAR(64),
                  detail VARCHAR(4096),
                  condition_kind VARCHAR(32),
                  condition_detail VARCHAR(4096))""");
        JdbcJournal.execute(c, """
                CREATE TABLE IF NOT EXISTS fg_transition (
                  session_id VARCHAR(64) NOT NULL,
                  seq INTEGER NOT NULL,
                  entered TIMESTAMP WITH TIME ZONE NOT NULL,
                  session_state VARCHAR(32) NOT NULL,
                  code VARCHAR(64),
                  detail VARCHAR(4096),
                  PRIMARY KEY (session_id, seq))""");
        JdbcJournal.execute(c, """
                CREATE TABLE IF NOT EXISTS fg_alias (
                  alias VARCHAR(255) PRIMARY KEY,
                  imei VARCHAR(32) NOT NULL,
                  model VARCHAR(255),
                  bound TIMESTAMP WITH TIME ZONE NOT NULL)""");
        JdbcJournal.execute(c, """
                CREATE TABLE IF NOT EXISTS fg_fact (
                  imei VARCHAR(32) NOT NULL,
                  name VARCHAR(255) NOT NULL,
                  fact_value VARCHAR(4096) NOT NULL,
                  recorded TIMESTAMP WITH TIME ZONE NOT NULL,
                  PRIMARY KEY (imei, name))""");
        JdbcJournal.execute(c, """
                CREATE TABLE IF NOT EXISTS fg_backup (
                  session_id VARCHAR(64) NOT NULL,
                  name VARCHAR(255) NOT NULL,
                  imei VARCHAR(32),
                  sha256 CHAR(64) NOT NULL,
                  bytes BIGINT NOT NULL,
                  taken TIMESTAMP WITH TIME ZONE NOT NULL,
                  PRIMARY KEY (session_id, name))""");
        JdbcJournal.execute(c, "CREATE INDEX IF NOT EXISTS fg_backup_imei ON fg_backup (imei)");
        JdbcJournal.execute(c, "CREATE INDEX IF NOT EXISTS fg_session_imei ON fg_session (imei)");
        JdbcJournal.execute(c, "CREATE INDEX IF NOT EXISTS fg_session_started ON fg_session (started)");
        c.commit();
    }
}
