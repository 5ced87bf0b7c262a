using System.Data.Common;
using InsureCrm.Core.Common;
using InsureCrm.Core.Policies;
using InsureCrm.Tests.Customers;
using InsureCrm.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace InsureCrm.Tests.CustomerView;

/// <summary>
/// The customer view costs a fixed, small number of database round trips (issue 11: each one costs far more than its
/// rows). Counted on the view's own context; the access log appends through its own connection and is not counted.
/// </summary>
public class CustomerViewRoundTripTests
{
    private const int MaxCommands = 2;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Get_Customer_TakesAtMostTwoCommandsOnOneConnection(DatabaseProvider provider)
    {
        await using var db = await TestDatabase.CreateAsync(provider);
        SeededFamily family;
        await using (var ctx = db.CreateContext())
        {
            family = await CustomerSeed.AddFamilyAsync(ctx, CustomerSeed.Protector());
        }
        var counter = new CommandCounter();
        await using var read = new CrmDbContext(new DbContextOptionsBuilder<CrmDbContext>(db.Database.ContextOptions).AddInterceptors(counter).Options);
        var views = CoreServices.Views(read, db);

        // The agent's scope is the costliest to check (contracts sold or serviced, and loans); call center reaches everyone.
        var asAgent = await views.GetAsync(CoreServices.AgentOf(family), family.HongId);
        var agentCommands = counter.Take();
        var asCallCenter = await views.GetAsync(CoreServices.CallCenter, family.HongId, CoreServices.Reason);
        var callCenterCommands = counter.Take();

        asAgent.View.ShouldNotBeNull();
        asAgent.View.ContractsByRole.Single(g => g.Role == ContractRoleKind.Insured).Contracts.Count.ShouldBe(2);
        asAgent.View.Timeline.Items.ShouldNotBeEmpty();
        asCallCenter.View.ShouldNotBeNull();
        asCallCenter.View.ContractsByRole.Sum(g => g.Contracts.Count).ShouldBe(asAgent.View.ContractsByRole.Sum(g => g.Contracts.Count));
        agentCommands.Count.ShouldBeLessThanOrEqualTo(MaxCommands, string.Join("\n---\n", agentCommands));
        callCenterCommands.Count.ShouldBeLessThanOrEqualTo(MaxCommands, string.Join("\n---\n", callCenterCommands));
        // PostgreSQL: the batch's connection, one per view and not one per command, held only while the batch runs. SQLite:
        // the batch runs on the prepared statements' own connection (SqlitePreparedBatches) and the context opens none.
        counter.Connections.ShouldBe(provider == DatabaseProvider.Postgres ? 2 : 0);
    }

    /// <summary>Records the text of every command the context runs, and counts the connections it opens.</summary>
    private sealed class CommandCounter : DbCommandInterceptor, IDbConnectionInterceptor
    {
        private readonly List<string> _commands = [];

        public int Connections { get; private set; }

        public List<string> Take()
        {
            var taken = _commands.ToList();
            _commands.Clear();
            return taken;
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            _commands.Add(command.CommandText);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            _commands.Add(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        {
            _commands.Add(command.CommandText);
            return result;
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            _commands.Add(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            _commands.Add(command.CommandText);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            _commands.Add(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Connections++;

        public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Connections++;
            return Task.CompletedTask;
        }
    }
}
