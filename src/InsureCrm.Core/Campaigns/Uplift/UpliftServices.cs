using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Campaigns.Uplift;

public static class UpliftServices
{
    /// <summary>Learning uplift from finished pilots and reading it; the split applies a roll-out's uplift targeting itself.</summary>
    public static IServiceCollection AddCampaignUplift(this IServiceCollection services)
    {
        services.AddScoped<IPilotUplift, PilotUplift>();
        return services;
    }
}
