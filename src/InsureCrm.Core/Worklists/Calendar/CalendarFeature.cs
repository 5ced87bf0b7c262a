using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Worklists.Calendar;

/// <summary>The calendar feed's services, registered by <see cref="WorklistsFeature"/>.</summary>
public static class CalendarFeature
{
    public static IServiceCollection AddCalendarFeeds(this IServiceCollection services) => services.AddSingleton<CalendarFeeds>();
}
