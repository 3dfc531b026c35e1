package dev.tabby.ctl.commands;

import dev.tabby.ctl.events.EventFeed;
import dev.tabby.ctl.output.LiveTable;
import dev.tabby.events.CloudEvent;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Prints what a feed hands over: what existed when reading started as one batch, sorted by time and aligned, then
 * (with follow) each live item as it comes. Items that are not what the command shows are skipped via
 * {@link BadEvents}; the filters are applied here, on the client.
 *
 * @param <T> what one line shows: a CloudEvent, a FlowRecord
 */
final class FeedListing<T> implements EventFeed.Receiver {
    /** How a command reads, filters, orders and prints its items. */
    interface View<T> {
        /** The item in an event; IllegalArgumentException, one line, when the event does not hold one. */
        T read(CloudEvent event);

        boolean keep(T item);

        Comparator<T> order();

        List<String> headings();

        /** How wide each column's cells usually are, reserved in a table that grows (follow). */
        List<Integer> usualWidths();

        List<String> row(T item);

        /** The item as one line of JSON. */
        String json(T item);
    }

    private final View<T> view;
    private final boolean json;
    private final PrintWriter out;
    private final PrintWriter err;
    private final BadEvents bad;
    private final LiveTable table;
    private final List<T> batch = new ArrayList<>();
    private boolean live;

    FeedListing(View<T> view, boolean json, boolean follow, PrintWriter out, PrintWriter err) {
        this.view = view;
        this.json = json;
        this.out = out;
        this.err = err;
        this.bad = new BadEvents(err);
        this.table = json ? null : new LiveTable(view.headings(), follow ? view.usualWidths() : List.of(), out);
    }

    @Override
    public void event(CloudEvent event) {
        T item;
        try {
            item = view.read(event);
        } catch (IllegalArgumentException e) {
            bad.skip(event.source(), e.getMessage());
            return;
        }
        if (!view.keep(item)) {
            return;
        }
        if (!live) {
            batch.add(item);
        } else if (json) {
            out.println(view.json(item));
            out.flush();
        } else {
            table.row(view.row(item));
        }
    }

    @Override
    public void bad(String from, String problem) {
        bad.skip(from, problem);
    }

    @Override
    public void caughtUp() {
        if (live) {
            return;
        }
        live = true;
        batch.sort(view.order());
        if (json) {
            batch.forEach(item -> out.println(view.json(item)));
            out.flush();
        } else {
            table.batch(batch.stream().map(view::row).toList());
        }
        batch.clear();
    }

    @Override
    public void notice(String line) {
        err.println("tabbyctl: " + line);
        err.flush();
    }

    /** After the feed returned: prints a batch never flushed, and the count of skipped events. */
    void finish() {
        caughtUp();
        bad.summarize();
    }
}
