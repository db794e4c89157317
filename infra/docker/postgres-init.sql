-- One database and one role per service, as the embedded stack creates them.
CREATE ROLE inventory LOGIN PASSWORD 'inventory';
CREATE DATABASE inventory OWNER inventory;
CREATE ROLE ledger LOGIN PASSWORD 'ledger';
CREATE DATABASE ledger OWNER ledger;
CREATE ROLE checkout LOGIN PASSWORD 'checkout';
CREATE DATABASE checkout OWNER checkout;
