"""The official DPF participant list, as downloaded by the user, synced onto DPF transfers."""
