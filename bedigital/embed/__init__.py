"""The bedigital.brussels brand on partners' sites: the embeddable agenda (/embed) and the badge."""
