-- The tables of t0220-load-discard.sh: each has rows PostgreSQL refuses.
CREATE TABLE t_nul (id int PRIMARY KEY, name varchar(20), note text, n int);
INSERT INTO t_nul SELECT seq, CONCAT('name ', seq), CONCAT('note ', seq), seq * 2 FROM seq_1_to_1001 WHERE seq <> 500;
INSERT INTO t_nul VALUES (500, 'bad', CONCAT('a', CHAR(0), 'b'), 7);
CREATE TABLE t_over (id bigint PRIMARY KEY, v int, w varchar(10));
-- 5000 rows, more than one batch of the careful path; every 500th past smallint.
INSERT INTO t_over SELECT seq, IF(seq % 500 = 0, 40000 + seq, seq), 'ok' FROM seq_1_to_5000;
INSERT INTO t_over VALUES (5001, -32769, 'neg'), (5002, 32767, 'max'), (5003, -32768, 'min');
CREATE TABLE t_width (id int PRIMARY KEY, a varchar(20), b int);
INSERT INTO t_width SELECT seq, CONCAT('a', seq), seq FROM seq_1_to_100;
ANALYZE TABLE t_nul, t_over, t_width;
