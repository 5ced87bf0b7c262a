using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.CallCenter.Inbound;

/// <summary>The call center's inbound console (issue 15, point 1): caller lookup, logged contacts, callbacks, referrals to the agent.</summary>
public static class InboundFeature
{
    public static IServiceCollection AddCallCenterInbound(this IServiceCollection services, IConfiguration configuration)
    {
        _ = configuration;
        services.AddScoped<CallerLookup>();
        services.AddScoped<InboundContacts>();
        services.AddScoped<Callbacks>();
        return services;
    }
}
