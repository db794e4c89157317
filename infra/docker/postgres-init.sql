-- One database and one role per service, as the embedded stack creates them: each role reaches its own database
-- only (PostgreSQL grants CONNECT and TEMPORARY on every database to PUBLIC).
CREATE ROLE inventory LOGIN PASSWORD 'inventory';
CREATE DATABASE inventory OWNER inventory;
REVOKE CONNECT, TEMPORARY ON DATABASE inventory FROM PUBLIC;
CREATE ROLE ledger LOGIN PASSWORD 'ledger';
CREATE DATABASE ledger OWNER ledger;
REVOKE CONNECT, TEMPORARY ON DATABASE ledger FROM PUBLIC;
CREATE ROLE checkout LOGIN PASSWORD 'checkout';
CREATE DATABASE checkout OWNER checkout;
REVOKE CONNECT, TEMPORARY ON DATABASE checkout FROM PUBLIC;
