using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace InsureCrm.Core.Common;

/// <summary>
/// Several SELECTs sent as one command and read back as consecutive result sets: one round trip for a page that
/// shows many small related sets, where one query per set costs far more in round trips than in rows. On PostgreSQL
/// the command goes through EF's pipeline (the context's connection, command logging, interceptors), so it is counted
/// and logged like any EF query; on SQLite, where a round trip is a function call and parsing the statements is what
/// costs, it runs from statements prepared once (<see cref="SqlitePreparedBatches"/>).
/// </summary>
internal static class SqlBatch
{
    /// <summary>
    /// "<paramref name="column"/> is one of the values <paramref name="subquery"/> returns", written so that an index
    /// on the column serves it whatever the statistics say. On PostgreSQL, <c>= ANY(ARRAY(subquery))</c> runs the
    /// subquery once and probes the index with its values; <c>IN (subquery)</c> would let the planner pick a hash
    /// semi-join with a sequential scan when statistics are missing. SQLite always probes the index for an IN list.
    /// </summary>
    public static string In(this CrmDbContext db, string column, string subquery) =>
        db.IsPostgres ? $"{column} = ANY(ARRAY({subquery}))" : $"{column} IN ({subquery})";

    /// <summary>
    /// A scalar subquery giving the rows of <c>SELECT <paramref name="columns"/> FROM <paramref name="from"/></c>
    /// (ordered by <paramref name="orderBy"/>) as one JSON array of rows, each an array of its columns, read back with
    /// <see cref="JsonRow.ReadAll{T}"/>. Several small sets of a page then travel in the columns of one statement
    /// rather than in one statement each: PostgreSQL's cost of a statement (executor start, plan cache, portal) is far
    /// above that of its few rows. PostgreSQL gives null for no rows, SQLite an empty array.
    /// </summary>
    public static string JsonRows(this CrmDbContext db, string columns, string from, string? orderBy = null)
    {
        var order = orderBy is null ? "" : " ORDER BY " + orderBy;
        return db.IsPostgres
            ? $"(SELECT json_agg(json_build_array({columns}){order}) FROM {from})"
            : $"(SELECT json_group_array(json_array({columns}){order}) FROM {from})";
    }

    /// <summary>A parameter written <c>@name</c> in the batch's SQL on both providers.</summary>
    public static DbParameter Parameter(this CrmDbContext db, string name, object value) =>
        db.IsPostgres ? new NpgsqlParameter(name, value) : new SqliteParameter("@" + name, value);

    /// <summary>
    /// A copy of <paramref name="template"/> (a parameter EF made: its name and type) holding <paramref name="value"/>, for
    /// a statement whose text is cached and whose parameters are made afresh for each run.
    /// </summary>
    public static DbParameter WithValue(this DbParameter template, object value) => template switch
    {
        NpgsqlParameter p => WithValue(p.Clone(), value),
        SqliteParameter p => new SqliteParameter(p.ParameterName, p.SqliteType) { Value = value },
        _ => throw new NotSupportedException($"No copy for parameters of type {template.GetType().Name}."),
    };

    private static NpgsqlParameter WithValue(NpgsqlParameter copy, object value)
    {
        copy.Value = value;
        return copy;
    }

    /// <summary>
    /// Runs <paramref name="sql"/> (one or more statements) as one command; the caller reads each result set in turn and
    /// disposes the reader. PostgreSQL: on the context's connection. SQLite: from statements prepared once per
    /// connection (<see cref="SqlitePreparedBatches"/>), on a connection of their own.
    /// </summary>
    public static async Task<SqlBatchReader> ExecuteBatchAsync(this CrmDbContext db, string sql, IReadOnlyList<DbParameter> parameters, CancellationToken ct)
    {
        if (!db.IsPostgres)
        {
            return await SqlitePreparedBatches.For(db.Database.GetConnectionString()!).ExecuteAsync(sql, parameters, ct);
        }
        var command = db.GetService<IRawSqlCommandBuilder>().Build(sql, parameters);
        var reader = await command.RelationalCommand.ExecuteReaderAsync(new RelationalCommandParameterObject(
            db.GetService<IRelationalConnection>(), command.ParameterValues, null, db,
            db.GetService<IRelationalCommandDiagnosticsLogger>(), CommandSource.FromSqlQuery), ct);
        return new SqlBatchReader(reader.DbDataReader, reader.DisposeAsync);
    }

    /// <summary>An enum stored by name (the model's convention for every enum).</summary>
    public static T GetEnum<T>(this DbDataReader reader, int ordinal) where T : struct, Enum =>
        Enum.Parse<T>(reader.GetString(ordinal));

    public static T? GetNullableEnum<T>(this DbDataReader reader, int ordinal) where T : struct, Enum =>
        reader.IsDBNull(ordinal) ? null : Enum.Parse<T>(reader.GetString(ordinal));

    public static T? GetNullable<T>(this DbDataReader reader, int ordinal) where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    public static string? GetNullableString(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>Reads every row of the current result set with <paramref name="read"/>.</summary>
    public static async Task<List<T>> ReadRowsAsync<T>(this DbDataReader reader, Func<DbDataReader, T> read, CancellationToken ct)
    {
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }
        return rows;
    }

    /// <summary>Moves to the next result set of the batch; a batch that ends early is a bug in its SQL.</summary>
    public static async Task NextAsync(this DbDataReader reader, CancellationToken ct)
    {
        if (!await reader.NextResultAsync(ct))
        {
            throw new InvalidOperationException("The batch returned fewer result sets than its reader expects.");
        }
    }
}

/// <summary>The reader of a batch's result sets; disposing it ends the batch (and on SQLite returns its connection).</summary>
internal sealed class SqlBatchReader(DbDataReader reader, Func<ValueTask> dispose) : IAsyncDisposable
{
    public DbDataReader DbDataReader => reader;

    public ValueTask DisposeAsync() => dispose();
}
