import type { EarshotConfig, ResponderConfig, TeamConfig } from '@earshot/config';
import type { Contact, ItemContacts } from './recipients.js';

/** The config's teams and responders indexed for lookups in a hot path. */
export interface Directory {
  team(id: string | null): TeamConfig | undefined;
  responder(id: string | null): ResponderConfig | undefined;
  /** Who an item's roles are: its team's channel, lead, on-call and manager, and its assignee. */
  contactsFor(item: { teamId: string | null; assigneeId: string | null }): ItemContacts;
}

function contactOf(responder: ResponderConfig | undefined): Contact | null {
  return responder === undefined ? null : { id: responder.id, slackUserId: responder.slackUserId, email: responder.email };
}

export function buildDirectory(config: Pick<EarshotConfig, 'teams' | 'responders'>): Directory {
  const teams = new Map(config.teams.map((team) => [team.id, team]));
  const responders = new Map(config.responders.map((responder) => [responder.id, responder]));
  const team = (id: string | null) => (id === null ? undefined : teams.get(id));
  const responder = (id: string | null) => (id === null ? undefined : responders.get(id));
  return {
    team,
    responder,
    contactsFor(item) {
      const itemTeam = team(item.teamId);
      return {
        teamChannel: itemTeam?.slackChannel ?? null,
        assignee: contactOf(responder(item.assigneeId)),
        lead: contactOf(responder(itemTeam?.lead ?? null)),
        onCall: contactOf(responder(itemTeam?.onCall ?? null)),
        managerEmail: itemTeam?.managerEmail ?? null,
        responder: (id) => contactOf(responder(id)),
      };
    },
  };
}
