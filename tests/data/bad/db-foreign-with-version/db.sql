PRAGMA user_version = 3;
CREATE TABLE x(a);
