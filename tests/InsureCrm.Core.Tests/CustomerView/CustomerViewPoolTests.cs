using InsureCrm.Core.Common;
using InsureCrm.Core.Customers;
using InsureCrm.Core.CustomerView;
using InsureCrm.Core.Security;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InsureCrm.Tests.CustomerView;

/// <summary>
/// A web node may bound its PostgreSQL connections (<c>Maximum Pool Size</c>) below the requests it serves at once: a
/// view then waits for a connection, never for one that another view holds while it waits for the access log's.
/// </summary>
public class CustomerViewPoolTests
{
    [Fact]
    public async Task Get_SeveralAtOnceOnAPoolOfOneConnection_AllShownAndAllLogged()
    {
        await using var db = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        SeededFamily family;
        await using (var ctx = db.CreateContext())
        {
            family = await CustomerSeed.AddFamilyAsync(ctx, CustomerSeed.Protector());
        }
        // One connection for the pages and the access log, waited for 15 s at most (Npgsql's default: its Timeout bounds
        // opening a connection too, which took over 3 s while the whole suite started on two cores).
        var narrow = new CrmDatabase(new DatabaseOptions
        {
            Provider = DatabaseProvider.Postgres,
            ConnectionString = new NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = 1, Timeout = 15 }.ToString(),
        });
        var log = new AccessLog(narrow, TimeProvider.System, new AccessLogOptions(), AccessLogKey.From(new ProtectionOptions { KeyFile = db.KeyFile }));
        var agent = CoreServices.AgentOf(family);

        var views = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var ctx = narrow.CreateContext();
            return await new CustomerViewService(ctx, new CustomerScope(ctx, log), log).GetAsync(agent, family.HongId);
        }));

        views.ShouldAllBe(v => v.View != null && v.View.Identity.Id == family.HongId);
        await using var read = db.CreateContext();
        (await read.AccessLog.AsNoTracking().CountAsync(e => e.CustomerId == family.HongId && e.Action == AccessAction.View)).ShouldBe(4);
    }
}
