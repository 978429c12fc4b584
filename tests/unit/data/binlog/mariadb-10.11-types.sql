SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
DROP DATABASE IF EXISTS bl;
CREATE DATABASE bl CHARACTER SET utf8mb4;
USE bl;
CREATE TABLE t_types (
  id INT NOT NULL PRIMARY KEY,
  ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
  mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  izf INT(6) ZEROFILL,
  d1 DECIMAL(10,0), d2 DECIMAL(12,4), d3 DECIMAL(65,30), d4 DECIMAL(5,5),
  f FLOAT, dd DOUBLE, dfix DOUBLE(10,3),
  b1 BIT(1), b10 BIT(10), b64 BIT(64),
  y YEAR,
  dt DATE, dtm DATETIME, dtm3 DATETIME(3), dtm6 DATETIME(6),
  ts TIMESTAMP NULL DEFAULT NULL, ts6 TIMESTAMP(6) NULL DEFAULT NULL,
  tm TIME, tm2 TIME(2), tm6 TIME(6),
  c10 CHAR(10), c255 CHAR(255), vc VARCHAR(300), vcl VARCHAR(20) CHARACTER SET latin1,
  vcc VARCHAR(20) CHARACTER SET cp1251, vcu CHAR(5) CHARACTER SET ucs2,
  bin4 BINARY(4), vbin VARBINARY(10),
  tt TINYTEXT, tx TEXT, mt MEDIUMTEXT, lt LONGTEXT, txl TEXT CHARACTER SET latin1,
  tb TINYBLOB, bl BLOB,
  e ENUM('a','b','c d','é'), el ENUM('x','ÿ') CHARACTER SET latin1,
  s SET('one','two','three','four'),
  j JSON,
  g GEOMETRY, pt POINT,
  u UUID, i6 INET6, i4 INET4
) ENGINE=InnoDB;
INSERT INTO t_types (id) VALUES (1);
INSERT INTO t_types VALUES (2,
  -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615,
  42,
  -1234567890, -12345678.1234, -12345678901234567890123456789012345.123456789012345678901234567890, -0.12345,
  3.4028234e38, 1.7976931348623157e308, -12345.678,
  b'1', b'1010101010', b'1111111111111111111111111111111111111111111111111111111111111111',
  2155,
  '9999-12-31', '9999-12-31 23:59:59', '2024-02-29 12:34:56.789', '1000-01-01 00:00:00.000001',
  '2038-01-19 03:14:07', '2038-01-19 03:14:07.999999',
  '-838:59:59', '-00:00:00.01', '838:59:58.999999',
  'abc', REPEAT('é', 255), REPEAT('x', 300), 'café €', 'Привет', 'aé€',
  X'61000000', X'00010200',
  'tiny', 'tab\there\nnewline', 'mid', 'long', 'naïve €',
  X'00FF00', X'DEADBEEF00',
  'é', 'ÿ', 'one,three',
  '{"a": 1, "b": [true, null, 1.5e300], "c": "x\\"y"}',
  ST_GeomFromText('LINESTRING(0 0,1 1,2 2)'), ST_GeomFromText('POINT(1.5 -2.25)', 4326),
  '123e4567-e89b-12d3-a456-426614174000', '2001:db8::ff00:42:8329', '192.168.0.1');
INSERT INTO t_types VALUES (3,
  0, 0, 0, 0, -1, 0, -1, 0, -1, 0,
  0,
  0, 0, 0, 0,
  0.1, 0.1, 0,
  b'0', b'0', b'0',
  0,
  '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000', '2000-01-01 00:00:00.5',
  '1970-01-01 00:00:01', '1970-01-01 00:00:01.000001',
  '00:00:00', '-01:02:03.40', '-100:00:00.000001',
  '', '', '', '', '', '',
  X'', X'',
  '', '', '', '', '',
  X'', X'',
  '', 'x', '',
  '[]',
  NULL, NULL,
  '00000000-0000-0000-0000-000000000000', '::', '0.0.0.0');
INSERT INTO t_types (id, f, dd, y, tm, d2, c10, bin4, s, e, u, i6, j) VALUES
  (4, -1.5e-45, 5e-324, 1901, '24:00:00', 0.0001, 'trail   ', X'00000000', 'two,four', 'c d', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '::ffff:1.2.3.4', '{"k":{"n":[1,{"m":-2}]}}'),
  (5, 16777217, 1e15, 1999, '-00:00:01', -0.0001, ' lead', X'00', 'one,two,three,four', 'b', '00000000-0000-0001-0000-000000000002', '::1', '"str"'),
  (6, 1e-10, 123456789012345678, 2000, '23:59:59', 99999999.9999, 'x', X'FFFFFFFF', '', 'a', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'fe80::1', '123'),
  (7, NULL, 0.30000000000000004, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'null');
UPDATE t_types SET ti = 1, vc = 'updated', j = JSON_SET(j, '$.a', 2) WHERE id = 2;
UPDATE t_types SET e = 'é', s = 'four' WHERE id IN (4, 5);
DELETE FROM t_types WHERE id = 6;
CREATE TABLE t_small (id INT PRIMARY KEY, v VARCHAR(200), n INT UNSIGNED);
SET SESSION binlog_row_image = 'MINIMAL';
INSERT INTO t_small VALUES (1, 'minimal', 4000000000);
UPDATE t_small SET v = 'changed' WHERE id = 1;
SET SESSION binlog_row_image = 'FULL';
SET GLOBAL log_bin_compress = ON;
SET GLOBAL log_bin_compress_min_len = 10;
INSERT INTO t_small VALUES (2, REPEAT('compressible ', 10), 7), (3, REPEAT('z', 150), 8);
UPDATE t_small SET v = REPEAT('y', 100) WHERE id = 2;
DELETE FROM t_small WHERE id = 3;
ALTER TABLE t_small ADD COLUMN extra INT /* a compressed query event with a comment to pass the minimum length */;
SET GLOBAL log_bin_compress = OFF;
INSERT INTO t_small VALUES (4, 'after compression', 9, NULL);
-- mariadb-10.11-nolog.000001: the same rows with binlog_row_metadata = NO_LOG (MariaDB's default),
-- so signedness, charsets and ENUM/SET labels must come from the catalog.
SET GLOBAL binlog_row_metadata = 'NO_LOG';
FLUSH BINARY LOGS;
CREATE TABLE t_nolog LIKE t_types;
INSERT INTO t_nolog SELECT * FROM t_types;
UPDATE t_nolog SET e = 'a', s = 'one,four', vcl = 'ÿes', iu = 4294967295 WHERE id = 4;
DELETE FROM t_nolog WHERE id = 7;
FLUSH BINARY LOGS;
SET GLOBAL binlog_row_metadata = 'FULL';
