using InsureCrm.Core.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Voc.Insight;

/// <summary>VOC as an asset (issue 16, items 7 and 8): the dashboard and its lists, the weekly digest (and its nightly step), the compliment board, internal suggestions.</summary>
public static class VocInsightFeature
{
    public static IServiceCollection AddVocInsight(this IServiceCollection services, IConfiguration configuration)
    {
        var digest = new VocDigestOptions();
        var section = configuration.GetSection(VocDigestOptions.Section);
        section.Bind(digest);
        // "a@x, b@y" in one value (an environment variable) as well as a list.
        if (section["Recipients"] is { Length: > 0 } joined)
        {
            digest.Recipients = [.. joined.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }
        var errors = digest.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }
        services.AddSingleton(digest);
        services.AddScoped<VocDashboard>();
        services.AddScoped<VocDigest>();
        services.AddScoped<VocDigestSender>();
        services.AddScoped<VocCompliments>();
        services.AddScoped<VocSuggestions>();
        services.AddSingleton<INightlyStep, VocDigestStep>();
        return services;
    }
}
