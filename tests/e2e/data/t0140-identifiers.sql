-- The schemas of t0140-dump-identifiers.sh: names PostgreSQL must quote, cut or tell apart.
-- Two MariaDB databases: t0140_ids and `t0140 Sché "q" bk`tick`.
SET NAMES utf8mb4;
DROP DATABASE IF EXISTS t0140_ids;
DROP DATABASE IF EXISTS `t0140 Sché "q" bk``tick`;
CREATE DATABASE t0140_ids CHARACTER SET utf8mb4;
CREATE DATABASE `t0140 Sché "q" bk``tick` CHARACTER SET utf8mb4;
USE t0140_ids;

-- Reserved words, as tables, columns and an index.
CREATE TABLE `select` (`from` int PRIMARY KEY, `where` varchar(10), `order` int);
INSERT INTO `select` SELECT seq, CONCAT('w', seq), seq * 2 FROM seq_1_to_2000;
CREATE TABLE `order` (`user` int, `table` varchar(10), PRIMARY KEY (`user`));
INSERT INTO `order` VALUES (1, 'a'), (2, 'b');
CREATE TABLE `user` (id int PRIMARY KEY, `group` int, KEY `index` (`group`));
INSERT INTO `user` VALUES (1, 10), (2, 20), (3, 20);
CREATE TABLE `table` (id int PRIMARY KEY, `column` text, `limit` int UNIQUE);
INSERT INTO `table` VALUES (1, 'x', 5);
-- Relations whose names the PostgreSQL names of the indexes above would take.
CREATE TABLE user_index (id int PRIMARY KEY);
INSERT INTO user_index VALUES (1);
CREATE TABLE select_pkey (id int PRIMARY KEY);
INSERT INTO select_pkey VALUES (1), (2);

-- Quotes, backticks, spaces, dots, percent, slash, backslash.
CREATE TABLE `we"ird` (`a"b` int PRIMARY KEY, `c""d` varchar(10));
INSERT INTO `we"ird` VALUES (1, 'q"1'), (2, NULL);
CREATE TABLE `back``tick` (`x``y` int PRIMARY KEY);
INSERT INTO `back``tick` VALUES (7);
CREATE TABLE `with space` (`col with space` int PRIMARY KEY, ` lead` int);
INSERT INTO `with space` VALUES (1, 2);
CREATE TABLE `dot.ted` (`a.b` int PRIMARY KEY, `c.d` int);
INSERT INTO `dot.ted` VALUES (1, 1), (2, 4);
CREATE TABLE `per%cent/sl\ash` (id int PRIMARY KEY);
INSERT INTO `per%cent/sl\ash` VALUES (42);

-- Unicode, and names that differ only in case.
CREATE TABLE `Ünïcødé 表` (`ñame` int PRIMARY KEY, `列` varchar(10));
INSERT INTO `Ünïcødé 表` SELECT seq, CONCAT('表', seq) FROM seq_1_to_2000;
CREATE TABLE `MixedCase` (`Id` int PRIMARY KEY);
INSERT INTO `MixedCase` VALUES (1), (2), (3);
CREATE TABLE `mixedcase` (`id` int PRIMARY KEY);
INSERT INTO `mixedcase` VALUES (1);

-- 64 characters, the longest MariaDB takes: two tables, two columns and an index whose
-- names share their first 63 bytes, and names of 128 and 192 bytes in UTF-8.
CREATE TABLE `t64_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1` (`c64_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1` int PRIMARY KEY, `c64_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2` int,
	KEY `i64_cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc` (`c64_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2`));
INSERT INTO `t64_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1` VALUES (1, 10), (2, 20);
CREATE TABLE `t64_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2` (`c64_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1` int PRIMARY KEY);
INSERT INTO `t64_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2` VALUES (3);
CREATE TABLE `éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé` (`表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表表` int PRIMARY KEY);
INSERT INTO `éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé` VALUES (64), (128);

-- No primary key, no rows, a composite primary key.
CREATE TABLE no_pk (a int, b varchar(10));
INSERT INTO no_pk SELECT seq % 100, CONCAT('b', seq % 7) FROM seq_1_to_3000;
CREATE TABLE empty (id int PRIMARY KEY, v text);
CREATE TABLE composite (a int, b varchar(10), c int, PRIMARY KEY (a, b));
INSERT INTO composite SELECT seq, CONCAT('k', seq % 3), seq FROM seq_1_to_3000;

-- A foreign key with a quoted name, between quoted names.
CREATE TABLE `child table` (id int PRIMARY KEY, `parent ref` int,
	CONSTRAINT `fk "x"` FOREIGN KEY (`parent ref`) REFERENCES `select` (`from`));
INSERT INTO `child table` VALUES (1, 1), (2, 2000), (3, NULL);

USE `t0140 Sché "q" bk``tick`;
CREATE TABLE `tab"le` (id int PRIMARY KEY, v varchar(10));
INSERT INTO `tab"le` SELECT seq, CONCAT('v', seq) FROM seq_1_to_1500;
CREATE TABLE `select` (`from` int PRIMARY KEY);
INSERT INTO `select` VALUES (1);

ANALYZE TABLE t0140_ids.`select`, t0140_ids.`Ünïcødé 表`, t0140_ids.no_pk, t0140_ids.composite,
	`t0140 Sché "q" bk``tick`.`tab"le`;
