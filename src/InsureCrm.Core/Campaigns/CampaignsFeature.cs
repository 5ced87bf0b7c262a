using InsureCrm.Core.Campaigns.Execution;
using InsureCrm.Core.Campaigns.Measurement;
using InsureCrm.Core.Campaigns.Planning;
using InsureCrm.Core.Campaigns.Targeting;
using InsureCrm.Core.Campaigns.Uplift;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Campaigns;

public static class CampaignsFeature
{
    /// <summary>
    /// Campaigns (options validated now): the plan and its use cases, targeting, the split, execution on every
    /// channel through the contact policy, attribution and results. Each sub-folder registers its own services.
    /// </summary>
    public static IServiceCollection AddCampaigns(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new CampaignsOptions();
        configuration.GetSection(CampaignsOptions.Section).Bind(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }
        services.AddSingleton(options);
        return services
            .AddCampaignPlanning(options)
            .AddCampaignTargeting(options)
            .AddCampaignExecution(options)
            .AddCampaignMeasurement(options)
            .AddCampaignUplift();
    }
}
