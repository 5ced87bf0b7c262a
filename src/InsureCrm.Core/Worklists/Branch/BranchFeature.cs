using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Worklists.Branch;

/// <summary>The branch view's services, registered by <see cref="WorklistsFeature"/>.</summary>
public static class BranchFeature
{
    public static IServiceCollection AddBranchView(this IServiceCollection services) => services.AddSingleton<BranchView>();
}
