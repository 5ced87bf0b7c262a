using System.CommandLine;
using System.Globalization;
using InsureCrm.Cli.Common;
using InsureCrm.Core.Security;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Cli.Orphans;

/// <summary>
/// <c>insurecrm agents terminate CODE --date yyyy-MM-dd --as USER</c>: an agent's termination entered by hand (for an agent system that
/// cannot send it); <c>agents return CODE --date D</c>: the agent is active again and takes back the customers not yet contacted.
/// </summary>
internal static class AgentCommands
{
    public static Command Create(Lazy<ServiceProvider> services)
    {
        var agents = new Command("agents", "Agent events the orphan service acts on (termination, return)");
        agents.Subcommands.Add(Terminate(services));
        agents.Subcommands.Add(Return(services));
        return agents;
    }

    private static Command Terminate(Lazy<ServiceProvider> services)
    {
        var code = new Argument<string>("CODE") { Description = "The agent's code" };
        var date = new Option<string>("--date") { Description = "The termination date (yyyy-MM-dd)", Required = true };
        var terminate = new Command("terminate", "Mark an agent terminated; `orphans assign` then hands their customers to CS consultants") { code, date };
        terminate.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            if (!CliDates.TryParse(pr.GetValue(date), "--date", out var on))
            {
                return 1;
            }
            return await OrphanVerb.RunAsync(pr, services, Capability.DataImport, async (service, _) =>
            {
                var r = await service.TerminateAgentAsync(pr.GetValue(code) ?? "", on, ct);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Agent {r.AgentCode} terminated as of {OrphanVerb.Date(r.Date)}{(r.WasTerminated ? " (was already terminated; date updated)" : "")}: " +
                    $"{r.Customers} customers with {r.Contracts} active contracts will be orphaned. Run `insurecrm orphans assign` to assign them."));
                return (string.Create(CultureInfo.InvariantCulture, $"agents terminate {r.AgentCode} {OrphanVerb.Date(on)}"), 0);
            }, ct);
        });
        return terminate;
    }

    private static Command Return(Lazy<ServiceProvider> services)
    {
        var code = new Argument<string>("CODE") { Description = "The agent's code" };
        var date = new Option<string>("--date") { Description = "The day the agent is back (yyyy-MM-dd)", Required = true };
        var back = new Command("return", "A terminated agent is active again: their customers not yet contacted by a CS consultant go back to them") { code, date };
        back.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            if (!CliDates.TryParse(pr.GetValue(date), "--date", out var on))
            {
                return 1;
            }
            return await OrphanVerb.RunAsync(pr, services, Capability.DataImport, async (service, _) =>
            {
                var r = await service.ReturnAgentAsync(pr.GetValue(code) ?? "", on, ct);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Agent {r.AgentCode} active again as of {OrphanVerb.Date(r.Date)}: {r.CustomersBack} customers ({r.ContractsBack} contracts) back; " +
                    $"{r.StayedWithConsultant} already contacted stay with their CS consultant."));
                return (string.Create(CultureInfo.InvariantCulture, $"agents return {r.AgentCode} {OrphanVerb.Date(on)}"), 0);
            }, ct);
        });
        return back;
    }
}
