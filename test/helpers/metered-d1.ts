// Wraps a D1 binding so that every statement also reports what it cost: the SQL, its bound
// parameters and D1's meta.rows_read. Reads run twice (once for the meter), which only tests do.
export type Metered = { sql: string; params: unknown[]; rowsRead: number };

function meterStatement(statement: D1PreparedStatement, sql: string, params: unknown[], log: Metered[]): D1PreparedStatement {
  const record = async () => {
    const result = await statement.all();
    log.push({ sql, params, rowsRead: result.meta.rows_read ?? Number.NaN });
  };
  return new Proxy(statement, {
    get(target, property, receiver) {
      if (property === "bind") return (...values: unknown[]) => meterStatement(target.bind(...values), sql, values, log);
      if (property === "raw" || property === "all" || property === "first" || property === "run") {
        return async (...args: unknown[]) => {
          await record();
          const method = Reflect.get(target, property, receiver) as (...a: unknown[]) => unknown;
          return method.apply(target, args);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

export function meteredD1(db: D1Database, log: Metered[]): D1Database {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === "prepare") return (sql: string) => meterStatement(target.prepare(sql), sql, [], log);
      return Reflect.get(target, property, receiver);
    },
  });
}
