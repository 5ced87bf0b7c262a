using InsureCrm.Core.Common;
using InsureCrm.Tests;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InsureCrm.Core.Tests.Common;

public sealed class JobLockTests
{
    [Fact]
    public async Task TryAcquire_OnPostgres_OneNodeAtATimeAndTheJobKeepsItsOwnPool()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        // Two nodes, each with one pooled connection. Npgsql's Timeout bounds opening a connection too, which took over 3 s
        // while the whole suite started on two cores: its default 15 s, the longest a job would wait for the node's one.
        CrmDatabase Node() => new(new DatabaseOptions
        {
            Provider = DatabaseProvider.Postgres,
            ConnectionString = new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 1, Timeout = 15 }.ToString(),
        });
        var first = Node();
        var second = Node();

        await using (var lease = await JobLock.TryAcquireAsync(first, 4_242, CancellationToken.None))
        {
            lease.ShouldNotBeNull();
            (await JobLock.TryAcquireAsync(second, 4_242, CancellationToken.None)).ShouldBeNull();
            // The job's own work still gets the node's one connection while the lease is held.
            await using var ctx = first.CreateContext();
            (await ctx.Database.SqlQueryRaw<int>("SELECT 1 AS \"Value\"").SingleAsync()).ShouldBe(1);
        }

        await using var next = await JobLock.TryAcquireAsync(second, 4_242, CancellationToken.None);
        next.ShouldNotBeNull();
    }
}
