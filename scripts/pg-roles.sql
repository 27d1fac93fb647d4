-- PostgreSQL roles for the Deep Learning Evolution API (see docs/deployment.md).
--
--   owner  (default dle_owner):  owns the database and its tables; `dle migrate` and
--                                `dle seed` connect as this role.
--   reader (default dle_reader): CONNECT, USAGE on schema public, SELECT on every table,
--                                now and in future (default privileges); `dle serve`
--                                connects as this role. Its sessions also default to
--                                read-only transactions.
--
-- Run as a superuser (or a role with CREATEROLE and CREATEDB), once per database; running
-- it again changes nothing that is already right:
--
--   psql -v ON_ERROR_STOP=1 -v db=dle \
--        -v owner_password="$DLE_OWNER_PASSWORD" -v reader_password="$DLE_READER_PASSWORD" \
--        -d postgres -f scripts/pg-roles.sql
--
-- Variables: db (required), owner, reader (role names), owner_password, reader_password
-- (optional: without them the roles have no password, enough for peer or trust auth).
-- The database is created if it does not exist. Tables already in its public schema
-- (from a migration run by another role) are handed over to the owner.

\set ON_ERROR_STOP on

\if :{?db}
\else
  \echo 'pg-roles.sql: pass the database name, e.g. psql -v db=dle -f scripts/pg-roles.sql'
  DO $$ BEGIN RAISE EXCEPTION 'variable db is not set'; END $$;
\endif
\if :{?owner}
\else
  \set owner dle_owner
\endif
\if :{?reader}
\else
  \set reader dle_reader
\endif

-- Roles (cluster-wide): login, nothing more.
SELECT format('CREATE ROLE %I LOGIN', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'reader')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'reader') \gexec
ALTER ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE :"reader" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
-- Defence in depth: the server already asks for read-only transactions, and the
-- privileges below refuse writes even when a session turns this off.
ALTER ROLE :"reader" SET default_transaction_read_only = on;
\if :{?owner_password}
  ALTER ROLE :"owner" PASSWORD :'owner_password';
\endif
\if :{?reader_password}
  ALTER ROLE :"reader" PASSWORD :'reader_password';
\endif

-- The database, owned by the owner role; nobody else may connect or create temp tables.
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
ALTER DATABASE :"db" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"reader";

\connect :"db"

-- Only the owner creates objects in public (PostgreSQL before 15 let everyone).
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO :"owner";
GRANT USAGE ON SCHEMA public TO :"reader";

-- Hand over tables created earlier by another role (their sequences follow them).
SELECT format('ALTER TABLE public.%I OWNER TO %I', c.relname, :'owner')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public'
  AND c.relkind IN ('r', 'p', 'v', 'm')
  AND pg_get_userbyid(c.relowner) <> :'owner' \gexec

GRANT SELECT ON ALL TABLES IN SCHEMA public TO :"reader";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public GRANT SELECT ON TABLES TO :"reader";
