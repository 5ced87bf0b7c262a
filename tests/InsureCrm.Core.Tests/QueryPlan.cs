using System.Text;
using InsureCrm.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace InsureCrm.Tests;

/// <summary>The plan the database chooses for an EF query, with its parameters bound as the app binds them.</summary>
public static class QueryPlan
{
    /// <summary>
    /// EXPLAIN QUERY PLAN on SQLite; EXPLAIN on PostgreSQL with sequential scans priced out, so that a test's
    /// near-empty tables answer whether an index can serve the query, not whether it is worth it yet.
    /// </summary>
    public static async Task<string> ExplainAsync<T>(CrmDbContext db, IQueryable<T> query)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            if (db.IsPostgres)
            {
                await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off");
            }
            await using var cmd = query.CreateDbCommand();
            cmd.CommandText = (db.IsPostgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + cmd.CommandText;
            var plan = new StringBuilder();
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plan.AppendLine(reader.GetValue(reader.FieldCount - 1).ToString());
            }
            return plan.ToString();
        }
        finally
        {
            if (db.IsPostgres)
            {
                await db.Database.ExecuteSqlRawAsync("RESET enable_seqscan");
            }
            await db.Database.CloseConnectionAsync();
        }
    }
}
