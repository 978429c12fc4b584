-- The type matrix of t0110-dump-types.sh: every MySQL/MariaDB column type cham-dump maps,
-- with edge values. Runs in the test's database; zero dates need sql_mode ''.
SET sql_mode = '';
SET time_zone = '+00:00';
SET NAMES utf8mb4;
-- The 256 bytes 0x00..0xFF, and the control characters 0x01..0x1F and 0x7F, as hex.
SET @hex256 = (SELECT GROUP_CONCAT(LPAD(HEX(seq), 2, '0') ORDER BY seq SEPARATOR '') FROM seq_0_to_255);
SET @ctl = CONCAT((SELECT GROUP_CONCAT(LPAD(HEX(seq), 2, '0') ORDER BY seq SEPARATOR '') FROM seq_1_to_31), '7F');

CREATE TABLE t_int (id int PRIMARY KEY, ti tinyint, tiu tinyint unsigned, t1 tinyint(1),
	si smallint, siu smallint unsigned, mi mediumint, miu mediumint unsigned,
	i int, iu int unsigned, bi bigint, biu bigint unsigned, zf int(6) unsigned zerofill);
INSERT INTO t_int VALUES
	(1, -128, 0, -128, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, 0),
	(2, 127, 255, 127, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,
		9223372036854775807, 18446744073709551615, 4294967295),
	(3, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 42),
	(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	(5, -1, 1, 0, -1, 1, -1, 1, -1, 1, -1, 1, 1);

CREATE TABLE t_num (id int PRIMARY KEY, d65 decimal(65,30), d5 decimal(5,2),
	d0 decimal(10,0) unsigned, f float, d double, fd float(30));
INSERT INTO t_num VALUES
	(1, 99999999999999999999999999999999999.999999999999999999999999999999, 999.99, 9999999999,
		3.402823466e38, 1.7976931348623157e308, 1.7976931348623157e308),
	(2, -99999999999999999999999999999999999.999999999999999999999999999999, -999.99, 0,
		-3.402823466e38, -1.7976931348623157e308, -1e-300),
	(3, 0.000000000000000000000000000001, 0.01, 1, 1.175494351e-38, 2.2250738585072014e-308, 0.1),
	(4, -0.000000000000000000000000000001, -0.01, 2, 1.4e-45, 4.9e-324, 4.9e-324),
	(5, 0, 0, 3, 0.1, 0.1, 1),
	(6, 1, 1, 4, -0e0, -0e0, -0e0),
	(7, 12345678901234567890123456789012345.123456789012345678901234567890, 123.45, 5,
		1.2345678, 0.3333333333333333, 123456789012345680000),
	(8, NULL, NULL, NULL, NULL, NULL, NULL),
	(9, 0.5, 0.5, 6, 1e-40, 1e-310, 16777217),
	(10, 2, 2, 7, 16777217, 9007199254740993, 2.5e-5);

CREATE TABLE t_bit (id int PRIMARY KEY, b1 bit(1), b10 bit(10), b64 bit(64));
INSERT INTO t_bit VALUES
	(1, b'0', b'0000000000', 0),
	(2, b'1', b'1111111111', 0xFFFFFFFFFFFFFFFF),
	(3, b'1', b'1010000001', 0x8000000000000000),
	(4, NULL, NULL, NULL),
	(5, b'0', b'0000000001', 1),
	(6, b'1', b'0100000000', 0x0123456789ABCDEF);

CREATE TABLE t_time (id int PRIMARY KEY, y year, d date, dt datetime(6), dt0 datetime,
	ts timestamp(6) NULL DEFAULT NULL, tm time(6), tm0 time);
INSERT INTO t_time VALUES
	(1, 1901, '1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00',
		'1970-01-01 00:00:01', '-838:59:59', '-838:59:59'),
	(2, 2155, '9999-12-31', '9999-12-31 23:59:59.999999', '9999-12-31 23:59:59',
		'2038-01-19 03:14:07.999999', '838:59:59', '838:59:59'),
	(3, 0, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00',
		'0000-00-00 00:00:00', '-00:00:01.5', '00:00:00'),
	(4, 1999, '2020-00-15', '2020-00-15 10:00:00.5', '2020-05-00 10:00:00',
		'2000-02-29 12:34:56.5', '12:34:56.000001', '-00:00:01'),
	(5, 2000, '0000-01-01', '0000-01-01 12:00:00.25', '0000-03-01 00:00:00',
		'2024-02-29 23:59:59.000001', '00:00:00.000001', '100:00:00'),
	(6, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	(8, 1970, '2024-02-29', '1969-12-31 23:59:59.999999', '0001-01-01 00:00:00',
		'2001-09-09 01:46:40', '-12:00:00.999999', '23:59:59'),
	(9, 2069, '0000-12-31', '0000-12-31 23:59:59.999999', '0000-00-01 00:00:00',
		'1999-12-31 23:59:59', '00:00:00', '-00:00:00');
-- Days past the end of the month exist only under ALLOW_INVALID_DATES.
SET sql_mode = 'ALLOW_INVALID_DATES';
INSERT INTO t_time (id, d, dt, dt0) VALUES (7, '2023-02-30', '2023-02-31 10:00:00', '2021-04-31 00:00:00');
SET sql_mode = '';

-- CHAR(n) alone is binary: USING utf8mb4 keeps the CONCATs below in utf8mb4 (the latin1
-- column would otherwise get the UTF-8 bytes of the accented letters as latin1 characters).
CREATE TABLE t_str (id int PRIMARY KEY, c char(10), vc varchar(100), tx text, tt tinytext,
	mt mediumtext, l1 varchar(40) CHARACTER SET latin1, vb varchar(20) COLLATE utf8mb4_bin);
INSERT INTO t_str (id, vc) VALUES
	(1, ''),
	(2, NULL),
	(3, 'say "hi", it''s'),
	(4, CONCAT('l1', CHAR(13 USING utf8mb4), CHAR(10 USING utf8mb4), 'l2', CHAR(10 USING utf8mb4), 'l3', CHAR(13 USING utf8mb4))),
	(5, 'C:\\dir\\ \\N \\t'),
	(6, '\\.'),
	(7, '😀 🎉 表 ñ é'),
	(8, 'NULL'),
	(9, CONVERT(UNHEX(@ctl) USING utf8mb4)),
	(10, ','),
	(11, '"'),
	(12, '""'),
	(13, CONCAT('a,b', CHAR(10 USING utf8mb4), '"c"', '\\', 'd')),
	(14, '  spaced  '),
	(15, CHAR(10 USING utf8mb4)),
	(16, CONCAT(CHAR(10 USING utf8mb4), '\\.', CHAR(10 USING utf8mb4))),
	(17, '\\');
UPDATE t_str SET c = LEFT(vc, 10), tx = vc, tt = vc, mt = vc, vb = LEFT(vc, 20);
UPDATE t_str SET tx = REPEAT(CONCAT('x,"y"', CHAR(10 USING utf8mb4)), 20000), mt = REPEAT('é😀', 50000) WHERE id = 14;
UPDATE t_str SET l1 = CASE id WHEN 1 THEN '' WHEN 3 THEN 'àéîõü ÿß ©'
	WHEN 4 THEN CONCAT('à', CHAR(10 USING utf8mb4), '"') WHEN 7 THEN 'ÀÉÎÕÜ' ELSE NULL END;

CREATE TABLE t_bin (id int PRIMARY KEY, bn binary(4), vb varbinary(300), bl blob, tb tinyblob,
	lb longblob);
INSERT INTO t_bin VALUES
	(1, 0x00010203, UNHEX(@hex256), UNHEX(@hex256), 0x00, NULL),
	(2, '', '', '', '', ''),
	(3, NULL, NULL, NULL, NULL, NULL),
	(4, 'ab', '\\.', CONCAT('"', CHAR(10 USING utf8mb4), ',', CHAR(13 USING utf8mb4)), 0x5C2E, 0x0A),
	(5, 0xFFFFFFFF, 0x22, 0x2C, 0x0D0A, NULL);
-- 16 MiB and some random bytes.
UPDATE t_bin SET lb = CONCAT(REPEAT(UNHEX(@hex256), 65536), RANDOM_BYTES(1000)) WHERE id = 5;

CREATE TABLE t_misc (id int PRIMARY KEY,
	e enum('a', 'b c', 'it''s', 'x"y', 'z,w', 'é'),
	s set('a', 'b c', 'q"t', 'back\\slash', 'é'),
	j json, u uuid, i6 inet6, i4 inet4, g geometry);
INSERT INTO t_misc VALUES
	(1, 'a', '', '{}', '00000000-0000-0000-0000-000000000000', '::', '0.0.0.0',
		ST_GeomFromText('POINT(1 2)')),
	(2, 'b c', 'a,b c,q"t,back\\slash,é',
		'{"k": "é😀", "n": [1, 2.5e10, {"a": null}], "s": "a\\"b,c\\nd"}',
		'ffffffff-ffff-ffff-ffff-ffffffffffff', '2001:db8::ff00:42:8329', '255.255.255.255',
		ST_GeomFromText('POLYGON((0 0,10 0,10 10,0 10,0 0))', 4326)),
	(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
	(4, 'it''s', 'q"t', '[1, "x", true, false, null]',
		'123e4567-e89b-12d3-a456-426614174000', '::ffff:1.2.3.4', '192.168.1.1',
		ST_GeomFromText('LINESTRING(0 0, 1.5 -2.25)', 3857)),
	(5, 'x"y', 'back\\slash,é', '"just a string"', NULL, '::1', NULL, NULL),
	(6, 'z,w', 'b c', '  {"spaces" :  1 ,"deep":{"a":[[[]]]}}  ', NULL, NULL, NULL, NULL),
	(7, 'é', 'é', '"\\u00e9\\ud83d\\ude00"', NULL, NULL, NULL, NULL);

ANALYZE TABLE t_int, t_num, t_bit, t_time, t_str, t_bin, t_misc;
