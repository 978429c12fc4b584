-- The tables of t0230-load-bad-input.sh: t_a in several chunks (--chunk-rows 100), t_b with a
-- value the CSV quotes ("x,y"), for a chunk spoilt into an unterminated quoted field.
CREATE TABLE t_a (id int PRIMARY KEY, v varchar(20));
INSERT INTO t_a SELECT seq, CONCAT('a', seq) FROM seq_1_to_350;
CREATE TABLE t_b (id int PRIMARY KEY, v varchar(20), n int);
INSERT INTO t_b SELECT seq, CONCAT('b', seq), seq FROM seq_1_to_50;
UPDATE t_b SET v = 'x,y' WHERE id = 20;
ANALYZE TABLE t_a, t_b;
