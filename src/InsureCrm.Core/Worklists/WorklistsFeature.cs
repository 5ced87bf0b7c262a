using InsureCrm.Core.Common;
using InsureCrm.Core.Worklists.AgentDay;
using InsureCrm.Core.Worklists.Build;
using InsureCrm.Core.Worklists.Branch;
using InsureCrm.Core.Worklists.Calendar;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Worklists;

/// <summary>The agent's day (issue 14): the nightly build of every list, the agent's list and results, appointments and their feed, the branch view.</summary>
public static class WorklistsFeature
{
    public static IServiceCollection AddWorklists(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new WorklistOptions();
        configuration.GetSection(WorklistOptions.Section).Bind(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }
        services.AddSingleton(options);
        services.AddScoped<WorklistBuilder>();
        services.AddSingleton<INightlyStep, WorklistStep>();
        services.AddScoped<AgentDayService>();
        services.AddScoped<Referrals>();
        services.AddScoped<Handovers>();
        services.AddCalendarFeeds();
        services.AddBranchView();
        return services;
    }
}
